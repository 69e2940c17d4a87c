r"""The norm :math:`\lVert \partial L / \partial W_k \rVert` of each layer on a log scale, with its value written."""
import numpy as np

# The log axis goes no lower than this: smaller, zero or non-finite norms are drawn at its bottom.
MIN_DRAWN_NORM = 1e-100
# Matplotlib's log ticks overflow on axes that span several hundred decades, so larger norms sit at the top.
MAX_DRAWN_NORM = 1e200


class GradientNormPlot:
    r"""A line with one marker per layer :math:`k = 1, \dots, l` on a log y axis, updated in place.

    Each marker has its value written beside it, so the plot can be read
    without the axis. A norm of exactly 0 (for example a layer of dead ReLU
    units) cannot sit on a log axis: it is drawn at the bottom as a hollow
    marker and written as 0.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    max_layers : int
        Texts are created once for this many layers.
    title : str
    placeholder : str
        Shown in the middle of the axes when ``update`` receives no norms.
    xlabel : str
        Say there what the red squares of ``highlighted`` layers mean, if used.
    """

    def __init__(self, ax, max_layers, title="", placeholder="", xlabel="layer $k$"):
        self.ax = ax
        self.line, = ax.plot([], [], color="#4477aa", marker="o", markersize=6, markeredgecolor="black",
                             linewidth=1.5)
        self.zeros, = ax.plot([], [], linestyle="none", marker="o", markersize=6, markerfacecolor="white",
                              markeredgecolor="black")
        self.highlight, = ax.plot([], [], linestyle="none", marker="s", markersize=11, markerfacecolor="none",
                                  markeredgecolor="#cc3311", markeredgewidth=1.6)
        self.texts = [ax.annotate("", xy=(0, 1), xytext=(0, 7), textcoords="offset points", ha="center",
                                  va="bottom", fontsize=8) for _ in range(max_layers)]
        self.placeholder = ax.text(0.5, 0.5, placeholder, transform=ax.transAxes, ha="center", va="center",
                                   color="0.4", visible=False)

        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(r"$\Vert \partial L / \partial W_k \Vert$")
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, which="major", axis="y", color="0.9", linewidth=0.6)

    def update(self, norms, highlighted=()):
        r"""Show ``norms[k - 1]`` for layers :math:`k = 1, \dots, l` and ring the layers in ``highlighted``."""
        norms = np.asarray(norms, dtype=np.float64)
        count = len(norms)
        layers = np.arange(1, count + 1)
        self.placeholder.set_visible(count == 0)

        finite = norms[np.isfinite(norms) & (norms > 0)]
        low = float(finite.min()) if finite.size else 1e-3
        high = float(finite.max()) if finite.size else 1.0
        floor = max(low / 10, MIN_DRAWN_NORM)
        positive = np.isfinite(norms) & (norms > 0)
        plotted = np.where(positive, np.clip(norms, floor, MAX_DRAWN_NORM / 100), floor)

        self.line.set_data(layers, plotted)
        zero = norms == 0
        self.zeros.set_data(layers[zero], plotted[zero])
        picked = [k for k in highlighted if 1 <= k <= count]
        self.highlight.set_data(picked, plotted[np.asarray(picked, dtype=int) - 1] if picked else [])
        self._write_values(norms, plotted)

        # Leave a decade of room above the highest marker for its text.
        decades = np.log10(high / low) if high > low else 1.0
        top = min(max(high, floor) * 10 ** max(0.35 * decades, 0.6), MAX_DRAWN_NORM)
        self.ax.set_ylim(floor / 2, top)
        self.ax.set_xlim(0.4, max(count, 1) + 0.6)
        step = 1 if count <= 10 else 2
        self.ax.set_xticks(np.arange(1, count + 1, step))

    def _write_values(self, norms, plotted):
        crowded = len(norms) > 8
        for index, text in enumerate(self.texts):
            visible = index < len(norms)
            text.set_visible(visible)
            if not visible:
                continue
            text.xy = (index + 1, plotted[index])
            text.set_text(format_norm(norms[index]))
            text.set_rotation(90 if crowded else 0)
            text.set_fontsize(7 if crowded else 8)


def format_norm(value):
    """Write a norm in three significant digits, as 0 or nan where it is one."""
    if value == 0:
        return "0"
    if not np.isfinite(value):
        return str(value)
    return f"{value:.3g}"
