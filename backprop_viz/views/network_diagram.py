r"""A small fully connected network drawn as nodes and edges that update in place.

Column :math:`k = 0, \dots, l` contains the units of :math:`a_k`: the input
:math:`a_0 = x`, the hidden layers, and the logits :math:`p = z_l`. The edges
between columns :math:`k - 1` and :math:`k` are the entries of :math:`W_k`,
shape :math:`(n_{k-1}, n_k)`, or of :math:`\partial L / \partial W_k`.
"""
import numpy as np
from matplotlib.cm import ScalarMappable
from matplotlib.colors import TwoSlopeNorm, to_rgba
from matplotlib.patches import Circle

from backprop_viz.views.figure import MAX_AXIS_LIMIT, nice_ceiling
from backprop_viz.views.heatmap import format_value

COLUMN_SPACING = 2.6
ROW_SPACING = 1.15
NODE_RADIUS = 0.34
EDGE_WIDTH_MIN = 0.6
EDGE_WIDTH_MAX = 5.5
UNKNOWN_COLOR = "#dddddd"
DIMMED_ALPHA = 0.3
DIMMED_NODE_WEIGHT = 0.45
"""How much of its own colour a dimmed node keeps; the rest is white."""
INCHES_PER_UNIT = 0.75
COLORBAR_HEIGHT = 0.8
LABEL_SIZE = (0.75, 0.4)
"""The width and height of an edge label in data units, at the default font size."""
LABEL_POSITIONS = (0.3, 0.4, 0.5, 0.6, 0.7)
"""The fractions of an edge, measured from its source node, at which its label may sit."""


class NetworkDiagram:
    r"""Nodes with their values written inside and edges coloured and sized by a signed matrix.

    Edge colour uses ``RdBu_r`` centred at 0 and edge width grows with the
    absolute value, on one scale shared by every layer. Negative edges are
    dashed and positive ones solid, so the sign does not depend on colour
    alone. The edges of highlighted layers have their values written on them.
    Nodes not yet computed are grey and empty.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    layer_sizes : sequence of int
        :math:`[N, n_1, \dots, n_{l-1}, T]`, at most 6 units per column.
    input_labels : sequence of str, optional
        A name under each input node, e.g. feature names.
    class_labels : sequence of str, optional
        A name beside each output node, e.g. class names.
    value_format : str
        Format of the values written in the nodes and on the edges.
    """

    def __init__(self, ax, layer_sizes, input_labels=None, class_labels=None, value_format="{:.2f}"):
        self.ax = ax
        self.layer_sizes = tuple(int(size) for size in layer_sizes)
        if len(self.layer_sizes) < 2 or max(self.layer_sizes) > 6:
            raise ValueError(f"layer_sizes must have at least 2 columns of at most 6 units, got {self.layer_sizes}")
        self.depth = len(self.layer_sizes) - 1
        self.value_format = value_format
        self.node_norm = TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=1.0)
        self.edge_mappable = ScalarMappable(norm=TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=1.0), cmap="RdBu_r")
        self.cmap = self.edge_mappable.get_cmap()

        self._draw_edges()
        self._draw_nodes(input_labels)
        self._draw_outputs(class_labels)

        (left, right), (bottom, top) = _limits(self.layer_sizes)
        ax.set_xlim(left, right)
        ax.set_ylim(bottom, top)
        ax.set_aspect("equal")
        ax.set_axis_off()

        self.colorbar = ax.figure.colorbar(self.edge_mappable, ax=ax, orientation="horizontal",
                                           shrink=0.55, aspect=35, pad=0.02)

    @staticmethod
    def figure_size(layer_sizes):
        """Return the (width, height) in inches that fits the diagram of ``layer_sizes`` and its colour bar."""
        (left, right), (bottom, top) = _limits(layer_sizes)
        return INCHES_PER_UNIT * (right - left), INCHES_PER_UNIT * (top - bottom) + COLORBAR_HEIGHT

    # Layout ---------------------------------------------------------------

    def position(self, column, unit):
        """Return the (x, y) centre of node ``unit`` of ``column``."""
        size = self.layer_sizes[column]
        return column * COLUMN_SPACING, ((size - 1) / 2 - unit) * ROW_SPACING

    def _draw_edges(self):
        self.edges = {}
        self.edge_texts = {}
        for k in range(1, self.depth + 1):
            n_in, n_out = self.layer_sizes[k - 1], self.layer_sizes[k]
            lines = np.empty((n_in, n_out), dtype=object)
            texts = np.empty((n_in, n_out), dtype=object)
            for i, j in np.ndindex(n_in, n_out):
                (x0, y0), (x1, y1) = self.position(k - 1, i), self.position(k, j)
                lines[i, j], = self.ax.plot([x0, x1], [y0, y1], color=UNKNOWN_COLOR, linewidth=1.0,
                                            solid_capstyle="round", zorder=1, animated=True)
            for (i, j), (x, y) in _place_edge_labels(self, k).items():
                texts[i, j] = self.ax.text(x, y, "", fontsize=7,
                                           ha="center", va="center", zorder=2, animated=True,
                                           bbox={"boxstyle": "round,pad=0.15", "facecolor": "white",
                                                 "edgecolor": "none", "alpha": 0.85})
            self.edges[k] = lines
            self.edge_texts[k] = texts

    def _draw_nodes(self, input_labels):
        self.nodes = {}
        self.node_texts = {}
        self.delta_texts = {}
        titles = ["$a_0 = x$"] + [f"$a_{{{k}}}$" for k in range(1, self.depth)] + [f"$p = z_{{{self.depth}}}$"]
        top = (max(self.layer_sizes) - 1) / 2 * ROW_SPACING

        for column, size in enumerate(self.layer_sizes):
            circles, texts, deltas = [], [], []
            for unit in range(size):
                x, y = self.position(column, unit)
                circle = Circle((x, y), NODE_RADIUS, facecolor=UNKNOWN_COLOR, edgecolor="black",
                                linewidth=1.0, zorder=3, animated=True)
                self.ax.add_patch(circle)
                circles.append(circle)
                texts.append(self.ax.text(x, y, "", ha="center", va="center", fontsize=8, zorder=4, animated=True))
                deltas.append(self.ax.text(x, y - NODE_RADIUS - 0.06, "", ha="center", va="top", fontsize=7,
                                           color="#5a2a82", zorder=4, animated=True,
                                           bbox={"boxstyle": "round,pad=0.1", "facecolor": "white",
                                                 "edgecolor": "none", "alpha": 0.85}))
            self.nodes[column] = circles
            self.node_texts[column] = texts
            self.delta_texts[column] = deltas
            self.ax.text(column * COLUMN_SPACING, top + 0.62, titles[column], ha="center", va="bottom", fontsize=10)

        if input_labels is not None:
            for unit, label in enumerate(input_labels[: self.layer_sizes[0]]):
                x, y = self.position(0, unit)
                self.ax.text(x - NODE_RADIUS - 0.08, y, label, ha="right", va="center", fontsize=7)

    def _draw_outputs(self, class_labels):
        self.probability_texts = []
        column = self.depth
        for unit in range(self.layer_sizes[column]):
            x, y = self.position(column, unit)
            name = f"{class_labels[unit]}: " if class_labels is not None else ""
            self.ax.text(x + NODE_RADIUS + 0.12, y + 0.12, name, ha="left", va="bottom", fontsize=7, color="#444444")
            self.probability_texts.append(self.ax.text(x + NODE_RADIUS + 0.12, y + 0.08, "", ha="left", va="top",
                                                       fontsize=8, animated=True))

        top = (max(self.layer_sizes) - 1) / 2 * ROW_SPACING
        x_loss = column * COLUMN_SPACING + NODE_RADIUS + 0.12
        self.ax.text(x_loss, top + 0.62, "$f = \\mathrm{softmax}(p)$", ha="left", va="bottom", fontsize=10)
        _, y_bottom = self.position(column, self.layer_sizes[column] - 1)
        self.loss_text = self.ax.text(x_loss, y_bottom - 0.75, "", ha="left", va="top", fontsize=9, animated=True,
                                      bbox={"boxstyle": "round,pad=0.3", "facecolor": "#f4f4f4",
                                            "edgecolor": "#888888"})

    # Updates --------------------------------------------------------------

    def update(self, node_values, edge_values, deltas=None, probabilities=None, target=None, loss_text="",
               highlight_columns=(), highlight_layers=(), edge_label="", node_limit=None):
        r"""Write the node values, recolour the edges and move the highlight.

        Parameters
        ----------
        node_values : dict of int to ndarray or None
            Column :math:`k` to :math:`a_k`, shape (n_k,). Missing or None
            columns are drawn grey and empty, as not yet computed.
        edge_values : dict of int to ndarray or None
            Layer :math:`k` to a matrix of shape (n_{k-1}, n_k). Missing or
            None layers are drawn as thin grey edges.
        deltas : dict of int to ndarray, optional
            Column :math:`k` to :math:`\delta_k`, written under the nodes.
        probabilities : ndarray, shape (T,), optional
            :math:`f`, written beside the output nodes.
        target : int, optional
            The correct class :math:`z`, marked beside its probability.
        loss_text : str
            Text of the box under the probabilities.
        highlight_columns, highlight_layers : iterable of int
            Node columns and edge layers the current step uses. The rest are dimmed.
        edge_label : str
            Label of the edge colour bar.
        node_limit : float, optional
            Node colours span [-node_limit, node_limit]. By default the
            largest absolute node value shown, which changes as nodes appear.
        """
        highlight_columns = set(highlight_columns)
        highlight_layers = set(highlight_layers)
        deltas = deltas or {}

        self._update_nodes(node_values, deltas, highlight_columns, node_limit)
        self._update_edges(edge_values, highlight_layers)
        self._update_outputs(probabilities, target, loss_text, self.depth in highlight_columns)
        if edge_label != self.colorbar.ax.get_xlabel():
            self.colorbar.set_label(edge_label)

    def _update_nodes(self, node_values, deltas, highlight_columns, node_limit):
        if node_limit is None:
            known = [np.asarray(values) for values in node_values.values() if values is not None]
            node_limit = max((float(np.max(np.abs(values))) for values in known), default=0.0)
        limit = node_limit if node_limit > 0 else 1.0
        self.node_norm.vmin, self.node_norm.vmax = -limit, limit

        for column, circles in self.nodes.items():
            values = node_values.get(column)
            column_deltas = deltas.get(column)
            active = column in highlight_columns
            for unit, circle in enumerate(circles):
                text = self.node_texts[column][unit]
                if values is None:
                    circle.set_facecolor(_fade(UNKNOWN_COLOR, active))
                    text.set_text("")
                else:
                    value = float(values[unit])
                    circle.set_facecolor(_fade(self.cmap(self.node_norm(value)), active))
                    text.set_text(format_value(self.value_format, value))
                    # Dimmed nodes are pale, so only an active dark node gets white text.
                    text.set_color("white" if active and abs(value) > 0.6 * limit else "black")
                circle.set_linewidth(2.6 if active else 0.8)
                circle.set_edgecolor("black" if active else "#777777")
                text.set_alpha(1.0 if active else 0.6)

                delta_text = self.delta_texts[column][unit]
                if column_deltas is None:
                    delta_text.set_text("")
                else:
                    delta_text.set_text("δ=" + format_value(self.value_format, float(column_deltas[unit])))

    def _update_edges(self, edge_values, highlight_layers):
        known = [np.asarray(values) for values in edge_values.values() if values is not None]
        largest = max((float(np.max(np.abs(values))) for values in known), default=0.0)
        # Rounded up, so that the colour bar, which is redrawn in full when it changes, mostly stays.
        limit = nice_ceiling(min(largest, MAX_AXIS_LIMIT)) if largest > 0 else 1.0
        if self.edge_mappable.get_clim() != (-limit, limit):
            self.edge_mappable.set_clim(-limit, limit)

        for k, lines in self.edges.items():
            values = edge_values.get(k)
            active = k in highlight_layers
            for (i, j), line in np.ndenumerate(lines):
                text = self.edge_texts[k][i, j]
                if values is None:
                    line.set_color(UNKNOWN_COLOR)
                    line.set_linewidth(1.0)
                    line.set_linestyle("-")
                    line.set_alpha(1.0)
                    text.set_text("")
                    continue
                value = float(values[i, j])
                line.set_color(self.cmap(self.edge_mappable.norm(value)))
                line.set_linewidth(EDGE_WIDTH_MIN + (EDGE_WIDTH_MAX - EDGE_WIDTH_MIN) * abs(value) / limit)
                line.set_linestyle("--" if value < 0 else "-")
                line.set_alpha(1.0 if active else DIMMED_ALPHA)
                text.set_text(format_value(self.value_format, value) if active else "")

    def _update_outputs(self, probabilities, target, loss_text, active):
        for unit, text in enumerate(self.probability_texts):
            if probabilities is None:
                text.set_text("")
                continue
            marker = "  ← z" if unit == target else ""
            text.set_text(f"$f_{{{unit + 1}}}$ = {format_value('{:.3f}', float(probabilities[unit]))}{marker}")
            text.set_fontweight("bold" if unit == target else "normal")
            text.set_alpha(1.0 if active else 0.6)
        self.loss_text.set_text(loss_text)
        self.loss_text.set_visible(bool(loss_text))


def _place_edge_labels(diagram, k):
    """Choose a point on each edge of layer ``k`` for its label, keeping the labels apart.

    Edges of a layer cross each other, so one fixed fraction along every
    edge makes labels collide. Each edge in turn takes the allowed fraction
    whose label lies furthest from the labels already placed.

    Returns
    -------
    dict of (int, int) to (float, float)
        The label centre for the edge from unit i of column k - 1 to unit j of column k.
    """
    width, height = LABEL_SIZE
    placed = {}
    for i, j in np.ndindex(diagram.layer_sizes[k - 1], diagram.layer_sizes[k]):
        (x0, y0), (x1, y1) = diagram.position(k - 1, i), diagram.position(k, j)
        candidates = [(x0 + t * (x1 - x0), y0 + t * (y1 - y0)) for t in LABEL_POSITIONS]

        def clearance(point):
            x, y = point
            return min((max(abs(x - px) / width, abs(y - py) / height) for px, py in placed.values()),
                       default=np.inf)

        placed[i, j] = max(candidates, key=clearance)
    return placed


def _limits(layer_sizes):
    """Return the x and y limits of the axes, in data units, with room for the labels and the loss."""
    depth = len(layer_sizes) - 1
    half_height = (max(layer_sizes) - 1) / 2 * ROW_SPACING
    return (-1.7, depth * COLUMN_SPACING + 2.6), (-half_height - 1.0, half_height + 0.9)


def _fade(color, active):
    """Return ``color`` as RGBA, mixed with white unless the node is active.

    Mixing keeps the node opaque, so the edges behind it stay hidden, where
    a transparent face would let them show through.
    """
    rgba = np.array(to_rgba(color))
    if not active:
        rgba[:3] = DIMMED_NODE_WEIGHT * rgba[:3] + (1 - DIMMED_NODE_WEIGHT)
    return tuple(rgba)
