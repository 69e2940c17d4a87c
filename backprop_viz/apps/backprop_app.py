r"""Backpropagation one step at a time, on a small network and one iris flower.

Each step shows one equation of the forward pass, the loss, the backward pass
or the update, written out with the numbers of the example, and highlights
the nodes and edges of the network diagram that the step uses.
"""
import html
import logging

import ipywidgets as widgets
import numpy as np

from backprop_viz.activations import ACTIVATIONS
from backprop_viz.datasets import load_iris
from backprop_viz.gradcheck import numerical_gradient, relative_error
from backprop_viz.losses import LOSSES, get_loss, gradient_wrt_logits
from backprop_viz.network import Network
from backprop_viz.softmax import softmax
from backprop_viz.views import NetworkDiagram, make_figure
from backprop_viz.views.heatmap import format_value

logger = logging.getLogger(__name__)

IRIS_FEATURES = ("sepal length", "sepal width", "petal length", "petal width")
FEATURE_CHOICE = {2: (2, 3), 3: (0, 2, 3), 4: (0, 1, 2, 3)}
"""The standardised iris measurements used as x for each input width N."""

EXAMPLE_CLASS = 1
"""The class of the example flower: versicolor, the middle one of the three."""

ACTIVATION_LABELS = {
    "relu": r"\mathrm{ReLU}",
    "leaky_relu": r"\mathrm{LeakyReLU}",
    "sigmoid": r"\mathrm{sigmoid}",
    "tanh": r"\tanh",
    "identity": r"\mathrm{identity}",
}
EDGE_MODES = (("weights W_k", "weights"), ("gradients dL/dW_k", "gradients"))
MAX_HIDDEN_LAYERS = 2
MAX_UNITS = 4


def load_example(n_inputs):
    r"""Return the first versicolor flower of the iris training split, as (x, z, feature names).

    The measurements are standardised on the training split (mean 0,
    standard deviation 1), so the entries of x are of order 1.

    Returns
    -------
    x : ndarray, shape (N,)
    z : int
        The class index, 1 (versicolor).
    names : tuple of str, length N
    """
    if n_inputs not in FEATURE_CHOICE:
        raise ValueError(f"n_inputs must be one of {sorted(FEATURE_CHOICE)}, got {n_inputs!r}")
    split = load_iris()
    row = int(np.flatnonzero(split.z_train == EXAMPLE_CLASS)[0])
    columns = FEATURE_CHOICE[n_inputs]
    return split.X_train[row, list(columns)], EXAMPLE_CLASS, tuple(IRIS_FEATURES[c] for c in columns)


def latex_number(value):
    """Write a number with 3 decimals, and values that round to zero as 0.000."""
    return format_value("{:.3f}", float(value))


def latex_matrix(matrix):
    r"""Write a matrix as a LaTeX ``bmatrix`` with 3 decimals."""
    rows = [" & ".join(latex_number(value) for value in row) for row in np.atleast_2d(matrix)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def latex_column(vector):
    r"""Write a vector as a LaTeX column ``bmatrix`` with 3 decimals."""
    return latex_matrix(np.asarray(vector).reshape(-1, 1))


def latex_row(vector):
    r"""Write a vector as a LaTeX row ``bmatrix`` with 3 decimals."""
    return latex_matrix(np.asarray(vector).reshape(1, -1))


def shape_text(*named_shapes):
    """Write shapes such as ``W_1^T: 3 × 2`` for the line under an equation."""
    parts = [f"${name}$: {' × '.join(str(size) for size in shape)}" for name, shape in named_shapes]
    return "Shapes: " + ", ".join(parts) + "."


def display(equations, note=""):
    """Join display-math equations and an optional line of text."""
    body = "".join(f"$$ {equation} $$" for equation in equations)
    return body + (f"<p>{note}</p>" if note else "")


class BackpropStepApp:
    r"""The forward pass, the loss, the backward pass and one update, one equation per step.

    The network has :math:`N` inputs, one or two hidden layers and :math:`T = 3`
    outputs, one per iris species. The example is one versicolor flower
    (see :func:`load_example`). The steps are:

    1. the input :math:`a_0 = x`;
    2. for each hidden layer, :math:`z_k = W_k^\top a_{k-1} + b_k` and :math:`a_k = \sigma(z_k)`;
    3. the logits :math:`p = z_l = W_l^\top a_{l-1} + b_l`;
    4. :math:`f = \mathrm{softmax}(p)` and the loss :math:`L`;
    5. :math:`\delta_l = \partial L / \partial p`, which is :math:`f - y` for cross-entropy;
    6. for :math:`k = l, \dots, 1`: :math:`\partial L/\partial W_k = a_{k-1}\delta_k^\top`
       and :math:`\partial L/\partial b_k = \delta_k`, then, while :math:`k > 1`,
       :math:`\partial L/\partial a_{k-1} = W_k \delta_k` and
       :math:`\delta_{k-1} = \sigma'(z_{k-1}) \odot \partial L/\partial a_{k-1}`;
    7. the update :math:`W_k \leftarrow W_k - \eta\,\partial L/\partial W_k`, with the loss before and after.

    "Next step" on the update starts the next iteration from the updated
    weights, and "Previous step" from the first step goes back to the update
    of the previous iteration. "Restart" restores the initial weights.

    Parameters
    ----------
    hidden_sizes : sequence of int, default (3,)
        One or two hidden layers of 1 to 4 units.
    n_inputs : int, default 2
        N: 2 (petal length and width), 3 (adds sepal length) or 4 (all four measurements).
    seed : int, default 0
        Seeds the initial weights (He initialisation, zero biases).
    activation : str, default "relu"
        A key of :data:`backprop_viz.activations.ACTIVATIONS`.
    loss : str, default "cross_entropy"
        A key of :data:`backprop_viz.losses.LOSSES`.
    learning_rate : float, default 0.5
        :math:`\eta`, from 0.001 to 10.

    Attributes
    ----------
    x : ndarray, shape (N,)
    z : int
        The class index of the example, counted from 0 as in Python.
    network : Network
        The network of the current iteration, before its update.
    step_index : int
    step_names : list of str
    equation : ipywidgets.HTMLMath
        The current step's equations with the numbers written out.
    gradcheck_errors : dict of int to float
        Layer :math:`k` to the larger relative error of :math:`\partial L/\partial W_k`
        and :math:`\partial L/\partial b_k` against central differences.
    """

    def __init__(self, hidden_sizes=(3,), n_inputs=2, seed=0, activation="relu", loss="cross_entropy",
                 learning_rate=0.5):
        hidden_sizes = _check_hidden_sizes(hidden_sizes)
        self.x, self.z, self.feature_names = load_example(n_inputs)
        self.class_names = tuple(load_iris().class_names)
        self.layer_sizes = (n_inputs, *hidden_sizes, len(self.class_names))

        self.initial_network = Network(self.layer_sizes, activation=activation, loss=loss, seed=seed)
        self.network = self.initial_network.copy()
        self._previous_networks = []
        self.iteration = 1

        self.steps = _make_steps(self.network.depth)
        self.step_names = [name for name, _, _ in self.steps]
        self.step_index = 0

        self._build_controls(activation, loss, learning_rate)
        self._build_figure()
        self.widget = widgets.HBox([self.controls, widgets.VBox([self.fig.canvas, self.equation, self.gradcheck_table])])
        self.widget.add_class("bv-backprop-app")

        self._compute()
        self._show_step()

    # Widgets --------------------------------------------------------------

    def _build_controls(self, activation, loss, learning_rate):
        self.next_button = widgets.Button(description="Next step", icon="arrow-right", button_style="primary")
        self.previous_button = widgets.Button(description="Previous step", icon="arrow-left")
        self.restart_button = widgets.Button(description="Restart", icon="undo")
        self.edge_toggle = widgets.ToggleButtons(options=EDGE_MODES, value="weights", description="edges",
                                                 style={"button_width": "130px"})
        self.activation_dropdown = widgets.Dropdown(options=list(ACTIVATIONS), value=activation,
                                                    description=r"$\sigma$")
        self.loss_dropdown = widgets.Dropdown(options=[(entry.label, name) for name, entry in LOSSES.items()],
                                              value=loss, description="loss")
        self.learning_rate_slider = widgets.FloatSlider(value=learning_rate, min=0.01, max=2.0, step=0.01,
                                                        description=r"$\eta$", readout_format=".2f")
        self.step_label = widgets.HTML()
        self.step_list = widgets.HTML()
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.equation = widgets.HTMLMath(layout=widgets.Layout(min_height="9em"))
        self.gradcheck_table = widgets.HTML()
        self.gradcheck_table.add_class("bv-gradcheck-table")

        self.next_button.on_click(lambda button: self.next_step())
        self.previous_button.on_click(lambda button: self.previous_step())
        self.restart_button.on_click(lambda button: self.restart())
        self.edge_toggle.observe(lambda change: self._show_step(), names="value")
        self.activation_dropdown.observe(self._model_changed, names="value")
        self.loss_dropdown.observe(self._model_changed, names="value")
        self.learning_rate_slider.observe(self._learning_rate_changed, names="value")

        buttons = widgets.HBox([self.previous_button, self.next_button])
        self.controls = widgets.VBox([buttons, self.restart_button, self.step_label, self.message,
                                      self.learning_rate_slider, self.activation_dropdown, self.loss_dropdown,
                                      self.edge_toggle, self.step_list],
                                     layout=widgets.Layout(width="330px"))

    def _build_figure(self):
        self.fig, ax = make_figure(*NetworkDiagram.figure_size(self.layer_sizes))
        self.diagram = NetworkDiagram(ax, self.layer_sizes, input_labels=self.feature_names,
                                      class_labels=self.class_names)

    # Plain-Python API -----------------------------------------------------

    @property
    def step_name(self):
        """The name of the current step."""
        return self.step_names[self.step_index]

    @property
    def activation(self):
        """The name of the hidden activation."""
        return self.activation_dropdown.value

    @property
    def loss_name(self):
        """The key of the loss in :data:`LOSSES`."""
        return self.loss_dropdown.value

    @property
    def learning_rate(self):
        r""":math:`\eta`."""
        return self.learning_rate_slider.value

    def next_step(self):
        """Show the next step, or start the next iteration from the updated weights after the update."""
        if self.step_index < len(self.steps) - 1:
            self.step_index += 1
        elif np.isfinite(self.loss_after):
            self._previous_networks.append(self.network)
            self.network = self.updated_network
            self.iteration += 1
            self.step_index = 0
            self._compute()
        else:
            self.message.value = _error_text("The updated loss is not finite. Lower η or press Restart.")
            return
        self._show_step()

    def previous_step(self):
        """Show the previous step, or the update of the previous iteration from the first step."""
        if self.step_index > 0:
            self.step_index -= 1
        elif self._previous_networks:
            self.network = self._previous_networks.pop()
            self.iteration -= 1
            self.step_index = len(self.steps) - 1
            self._compute()
        self._show_step()

    def restart(self):
        """Restore the initial weights and show the first step."""
        self.network = self._rebuild(self.initial_network)
        self._previous_networks = []
        self.iteration = 1
        self.step_index = 0
        self._compute()
        self._show_step()

    def show_step(self, index):
        """Jump to step ``index`` of the current iteration."""
        if not 0 <= index < len(self.steps):
            raise ValueError(f"index must be from 0 to {len(self.steps) - 1}, got {index!r}")
        self.step_index = int(index)
        self._show_step()

    # Computation ----------------------------------------------------------

    def _rebuild(self, network):
        """Return a network with the weights of ``network`` and the selected activation and loss."""
        rebuilt = Network(self.layer_sizes, activation=self.activation, loss=self.loss_name, seed=0)
        rebuilt.set_parameters(network.parameters())
        return rebuilt

    def _model_changed(self, change):
        self.initial_network = self._rebuild(self.initial_network)
        self.network = self._rebuild(self.network)
        self._previous_networks = [self._rebuild(network) for network in self._previous_networks]
        self._compute()
        self._show_step()

    def _learning_rate_changed(self, change):
        self._compute_update()
        self._show_step()

    def _compute(self):
        r"""Run the forward and backward pass on x, check the gradients, and compute the updated network."""
        X = self.x.reshape(1, -1)
        z = np.array([self.z])

        self.cache, logits = self.network.forward(X)
        self.logits = logits[0]
        self.probabilities = softmax(self.logits)
        self.target = np.eye(len(self.probabilities))[self.z]
        self.loss, dlogits = gradient_wrt_logits(self.loss_name, logits, z)
        self.loss = float(self.loss)
        self.gradients = self.network.backward(self.cache, dlogits)

        self._check_gradients(X, z)
        self._compute_update()

    def _check_gradients(self, X, z):
        numeric = numerical_gradient(self.network.loss_function(X, z), self.network.get_parameter_vector())
        self.numerical_gradients = {}
        self.gradcheck_details = {}
        start = 0
        for k in self.network.layers:
            W, b = self.network.weights[k], self.network.biases[k]
            dW = numeric[start : start + W.size].reshape(W.shape)
            start += W.size
            db = numeric[start : start + b.size]
            start += b.size
            self.numerical_gradients[k] = (dW, db)
            self.gradcheck_details[k] = (relative_error(self.gradients[k].dW, dW),
                                         relative_error(self.gradients[k].db, db))
        self.gradcheck_errors = {k: max(errors) for k, errors in self.gradcheck_details.items()}
        self.gradcheck_table.value = _gradcheck_html(self.gradcheck_details)

    def _compute_update(self):
        eta = self.learning_rate
        self.updated_network = self.network.copy()
        for k in self.network.layers:
            self.updated_network.weights[k] -= eta * self.gradients[k].dW
            self.updated_network.biases[k] -= eta * self.gradients[k].db
        self.loss_after = self.updated_network.compute_loss(self.x.reshape(1, -1), [self.z])
        if not np.isfinite(self.loss_after):
            logger.warning("loss after the update is %s at learning rate %g", self.loss_after, eta)

    # Display --------------------------------------------------------------

    def _show_step(self):
        kind, k = self.steps[self.step_index][1:]
        revealed = _revealed(self.steps[: self.step_index + 1], self.network.depth)

        self.equation.value = self._equation_for(kind, k)
        self.step_label.value = (f"<b>Iteration {self.iteration}, step {self.step_index + 1} of {len(self.steps)}:</b> "
                                 f"{html.escape(self.step_name)}")
        self.step_list.value = _step_list_html(self.step_names, self.step_index)
        self.previous_button.disabled = self.step_index == 0 and not self._previous_networks
        if kind != "update" or np.isfinite(self.loss_after):
            self.message.value = ""
        else:
            self.message.value = _error_text("The updated loss is not finite. Lower η or press Restart.")

        self._draw(kind, k, revealed)

    def _draw(self, kind, k, revealed):
        depth = self.network.depth
        node_values = {column: self.cache.a[column][0] for column in revealed["nodes"]}
        deltas = {column: self.gradients[column].delta[0] for column in revealed["deltas"]}

        if self.edge_toggle.value == "weights":
            source = self.updated_network if kind == "update" else self.network
            edge_values = {layer: source.weights[layer] for layer in self.network.layers}
            edge_label = "edges: $W_k$ after the update" if kind == "update" else "edges: weights $W_k$"
        else:
            edge_values = {layer: self.gradients[layer].dW for layer in revealed["gradients"]}
            edge_label = r"edges: $\partial L / \partial W_k$ (grey: not computed yet)"

        loss_text = ""
        if revealed["loss"]:
            loss_text = f"$L$ = {self.loss:.3f}"
        if kind == "update":
            loss_text = f"$L$: {self.loss:.3f} → {self.loss_after:.3f}"

        # One colour scale for the whole forward pass, so a node keeps its colour as others appear.
        node_limit = max(float(np.max(np.abs(values))) for values in self.cache.a.values())
        columns, layers = _highlight(kind, k, depth)
        self.diagram.update(node_values, edge_values, deltas=deltas,
                            probabilities=self.probabilities if revealed["loss"] else None, target=self.z,
                            loss_text=loss_text, highlight_columns=columns, highlight_layers=layers,
                            edge_label=edge_label, node_limit=node_limit)
        self.fig.refresh()

    def _equation_for(self, kind, k):
        builders = {
            "input": self._input_equation,
            "forward": self._forward_equation,
            "logits": self._logits_equation,
            "loss": self._loss_equation,
            "output_delta": self._output_delta_equation,
            "gradients": self._gradients_equation,
            "delta": self._delta_equation,
            "update": self._update_equation,
        }
        return builders[kind](k)

    def _input_equation(self, k):
        names = ", ".join(self.feature_names)
        y = latex_column(self.target)
        return display(
            [rf"a_0 = x = {latex_column(self.x)}, \qquad y = {y}"],
            f"The example: one {self.class_names[self.z]} flower ({names}, standardised). "
            f"Its class is number {self.z + 1} of {len(self.class_names)}, so $y$ has its 1 in row {self.z + 1}.")

    def _forward_equation(self, k):
        W, b = self.network.weights[k], self.network.biases[k]
        a_prev, z_k, a_k = self.cache.a[k - 1][0], self.cache.z[k][0], self.cache.a[k][0]
        sigma = ACTIVATION_LABELS[self.activation]
        return display(
            [rf"z_{k} = W_{k}^\top a_{k - 1} + b_{k} = {latex_matrix(W.T)} {latex_column(a_prev)} + "
             rf"{latex_column(b)} = {latex_column(z_k)}",
             rf"a_{k} = \sigma(z_{k}) = {sigma}\left({latex_column(z_k)}\right) = {latex_column(a_k)}"],
            shape_text((f"W_{k}^\\top", W.T.shape), (f"a_{k - 1}", (len(a_prev), 1)),
                       (f"b_{k}, z_{k}, a_{k}", (len(z_k), 1))))

    def _logits_equation(self, k):
        W, b = self.network.weights[k], self.network.biases[k]
        a_prev = self.cache.a[k - 1][0]
        return display(
            [rf"p = z_{k} = W_{k}^\top a_{k - 1} + b_{k} = {latex_matrix(W.T)} {latex_column(a_prev)} + "
             rf"{latex_column(b)} = {latex_column(self.logits)}"],
            "The output layer has no activation: its pre-activation is the logits. "
            + shape_text((f"W_{k}^\\top", W.T.shape), (f"a_{k - 1}", (len(a_prev), 1)), ("p", (len(self.logits), 1))))

    def _loss_equation(self, k):
        f = self.probabilities
        softmax_line = rf"f = \mathrm{{softmax}}(p) = {latex_column(f)}"
        if self.loss_name == "cross_entropy":
            loss_line = (rf"L = -\log f_z = -\log f_{self.z + 1} = -\log {latex_number(f[self.z])} "
                         rf"= {latex_number(self.loss)}")
            return display([softmax_line, loss_line])
        label = get_loss(self.loss_name).label
        loss_line = rf"L = \ell(f, y) = \ell\left({latex_column(f)}, {latex_column(self.target)}\right) = {latex_number(self.loss)}"
        return display([softmax_line, loss_line],
                       f"$\\ell$ is the {label.lower()} loss on the probabilities, averaged over the {len(f)} entries "
                       "where it is elementwise.")

    def _output_delta_equation(self, k):
        delta = self.gradients[k].delta[0]
        if self.loss_name == "cross_entropy":
            return display(
                [rf"\delta_{k} = \frac{{\partial L}}{{\partial p}} = f - y = {latex_column(self.probabilities)} - "
                 rf"{latex_column(self.target)} = {latex_column(delta)}"],
                "For cross-entropy the softmax Jacobian and the logarithm cancel to the prediction error.")

        dL_df = get_loss(self.loss_name).grad(self.probabilities, self.target)
        return display(
            [rf"\frac{{\partial L}}{{\partial f}} = {latex_column(dL_df)}",
             rf"\delta_{k} = \frac{{\partial L}}{{\partial p}} = J^\top \frac{{\partial L}}{{\partial f}} "
             rf"= {latex_column(delta)}, \qquad J_{{ij}} = f_i(\delta_{{ij}} - f_j)"],
            "Every loss other than cross-entropy is applied to $f$, so its gradient passes back through the "
            "softmax Jacobian.")

    def _gradients_equation(self, k):
        gradients = self.gradients[k]
        a_prev, delta = self.cache.a[k - 1][0], gradients.delta[0]
        return display(
            [rf"\frac{{\partial L}}{{\partial W_{k}}} = a_{k - 1} \delta_{k}^\top = {latex_column(a_prev)} "
             rf"{latex_row(delta)} = {latex_matrix(gradients.dW)}",
             rf"\frac{{\partial L}}{{\partial b_{k}}} = \delta_{k} = {latex_column(gradients.db)}"],
            shape_text((f"a_{k - 1}", (len(a_prev), 1)), (f"\\delta_{k}^\\top", (1, len(delta))),
                       (f"\\partial L / \\partial W_{k}", gradients.dW.shape)))

    def _delta_equation(self, k):
        gradients = self.gradients[k]
        W, delta, da_prev = self.network.weights[k], gradients.delta[0], gradients.da_prev[0]
        derivative = self.network.activation.derivative(self.cache.z[k - 1][0])
        delta_prev = self.gradients[k - 1].delta[0]
        return display(
            [rf"\frac{{\partial L}}{{\partial a_{k - 1}}} = W_{k} \delta_{k} = {latex_matrix(W)} "
             rf"{latex_column(delta)} = {latex_column(da_prev)}",
             rf"\delta_{k - 1} = \sigma'(z_{k - 1}) \odot \frac{{\partial L}}{{\partial a_{k - 1}}} = "
             rf"{latex_column(derivative)} \odot {latex_column(da_prev)} = {latex_column(delta_prev)}"],
            shape_text((f"W_{k}", W.shape), (f"\\delta_{k}", (len(delta), 1)),
                       (f"\\delta_{k - 1}", (len(delta_prev), 1))))

    def _update_equation(self, k):
        eta = latex_number(self.learning_rate)
        lines = []
        for layer in self.network.layers:
            lines.append(
                rf"W_{layer} \leftarrow W_{layer} - \eta \frac{{\partial L}}{{\partial W_{layer}}} = "
                rf"{latex_matrix(self.network.weights[layer])} - {eta} {latex_matrix(self.gradients[layer].dW)} = "
                rf"{latex_matrix(self.updated_network.weights[layer])}")
        lines.append(rf"b_k \leftarrow b_k - \eta \frac{{\partial L}}{{\partial b_k}} \text{{ for every layer}}, \qquad "
                     rf"L: {latex_number(self.loss)} \to {latex_number(self.loss_after)}")
        return display(lines, "“Next step” starts the next iteration from the updated weights.")


# Steps ----------------------------------------------------------------------

def _make_steps(depth):
    r"""List the steps for :math:`l` = ``depth`` layers as (name, kind, layer)."""
    steps = [("Input a_0 = x", "input", 0)]
    for k in range(1, depth):
        steps.append((f"Forward through layer {k}", "forward", k))
    steps.append((f"Logits p = z_{depth}", "logits", depth))
    steps.append(("Softmax and loss", "loss", depth))
    steps.append((f"Output delta δ_{depth}", "output_delta", depth))
    for k in range(depth, 0, -1):
        steps.append((f"Gradients of layer {k}", "gradients", k))
        if k > 1:
            steps.append((f"Back to layer {k - 1}: δ_{k - 1}", "delta", k))
    steps.append(("Update the weights", "update", depth))
    return steps


def _revealed(done_steps, depth):
    """Return what the steps so far have computed: node columns, deltas, weight gradients and the loss."""
    nodes, deltas, gradients = set(), set(), set()
    loss = False
    for _, kind, k in done_steps:
        if kind == "input":
            nodes.add(0)
        elif kind in ("forward", "logits"):
            nodes.add(k)
        elif kind == "loss":
            loss = True
        elif kind == "output_delta":
            deltas.add(depth)
        elif kind == "gradients":
            gradients.add(k)
        elif kind == "delta":
            deltas.add(k - 1)
    return {"nodes": nodes, "deltas": deltas, "gradients": gradients, "loss": loss}


def _highlight(kind, k, depth):
    """Return the node columns and edge layers that a step uses."""
    if kind == "input":
        return {0}, set()
    if kind in ("forward", "logits", "gradients", "delta"):
        return {k - 1, k}, {k}
    if kind in ("loss", "output_delta"):
        return {depth}, set()
    return set(range(depth + 1)), set(range(1, depth + 1))


# Checks and HTML --------------------------------------------------------------

def _check_hidden_sizes(hidden_sizes):
    try:
        sizes = tuple(hidden_sizes)
    except TypeError as error:
        raise ValueError(f"hidden_sizes must be a tuple of 1 or 2 layer widths, got {hidden_sizes!r}") from error
    if not 1 <= len(sizes) <= MAX_HIDDEN_LAYERS:
        raise ValueError(f"hidden_sizes must contain 1 or {MAX_HIDDEN_LAYERS} layer widths, got {sizes!r}")
    for size in sizes:
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 1 <= size <= MAX_UNITS:
            raise ValueError(f"hidden_sizes must contain widths from 1 to {MAX_UNITS}, got {sizes!r}")
    return tuple(int(size) for size in sizes)


def _error_text(text):
    return f'<span style="color:#b00020">{html.escape(text)}</span>'


def _step_list_html(names, current):
    items = []
    for index, name in enumerate(names):
        text = html.escape(name)
        items.append(f"<li><b>{text}</b></li>" if index == current else f'<li style="color:#666">{text}</li>')
    return '<ol class="bv-step-list" style="margin:0.3em 0;padding-left:1.6em">' + "".join(items) + "</ol>"


def _gradcheck_html(details):
    rows = ['<table class="bv-gradcheck-table" style="font-family:monospace">',
            '<tr><th style="text-align:left;padding:0 0.6em">layer k</th>'
            '<th style="padding:0 0.6em">rel. error dL/dW_k</th><th style="padding:0 0.6em">rel. error dL/db_k</th></tr>']
    for k, (weight_error, bias_error) in details.items():
        rows.append(f'<tr data-layer="{k}"><td style="padding:0 0.6em">{k}</td>'
                    f'<td style="padding:0 0.6em">{weight_error:.1e}</td>'
                    f'<td style="padding:0 0.6em">{bias_error:.1e}</td></tr>')
    rows.append("</table>")
    caption = "<p style='margin:0.2em 0'>Gradient check: backpropagation against central differences (h = 1e-6).</p>"
    return caption + "".join(rows)
