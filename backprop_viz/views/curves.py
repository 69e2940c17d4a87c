"""Named curves on one axes, each with a marker for the current point."""
import numpy as np

# Empty headroom above and below the curves, as a fraction of their range
# (linear axes) or of their span in decades (log axes).
Y_MARGIN = 0.08


def break_at_jumps(x, y, max_jump):
    r"""Insert a gap wherever neighbouring values of ``y`` differ by more than ``max_jump``.

    Matplotlib joins consecutive points, so a step such as
    :math:`\operatorname{sign}(e)` at 0 would be drawn as a steep line. A
    point with y = nan between the two sides of the step leaves a gap instead.

    Parameters
    ----------
    x, y : array_like, shape (n,)
    max_jump : float

    Returns
    -------
    x_with_gaps, y_with_gaps : ndarray of float64, shape (n + k,)
        With one extra point, at the midpoint of x, for each of the k jumps.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    positions = np.flatnonzero(np.abs(np.diff(y)) > max_jump) + 1

    midpoints = (x[positions - 1] + x[positions]) / 2
    return np.insert(x, positions, midpoints), np.insert(y, positions, np.nan)


class CurvePlot:
    r"""Curves that update in place with ``set_data``, and a marker on each.

    Every curve has its own line style as well as its colour, and its legend
    entry can carry the marked value, so colour is never the only way to tell
    the curves apart or to read a value.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    styles : dict of str to dict
        One entry per curve name: keyword arguments for ``ax.plot``, which
        must include ``label``.
    title, xlabel, ylabel : str
    xscale, yscale : {"linear", "log"}
    ylim : (float, float) or None
        Fixed limits, or None to fit each update's curves.
    guides : int
        Dotted vertical lines to create, hidden until ``update`` places them.
    guide_label : str
        The legend entry of the guides, or "" for none.
    value_format : str or None
        Format of the marked value appended to each legend label, e.g.
        ``"{:.3f}"``; None leaves the labels as given.
    legend_loc : str
    """

    def __init__(self, ax, styles, title="", xlabel="", ylabel="", xscale="linear", yscale="linear",
                 ylim=None, guides=0, guide_label="", value_format=None, legend_loc="best"):
        self.ax = ax
        self.ylim = ylim
        self.value_format = value_format
        self.labels = {name: style["label"] for name, style in styles.items()}

        self.lines = {name: ax.plot([], [], linewidth=1.8, **style)[0] for name, style in styles.items()}
        self.markers = {
            name: ax.plot([], [], marker="o", markersize=7, linestyle="none", color=style.get("color"),
                          markeredgecolor="black", zorder=5)[0]
            for name, style in styles.items()
        }
        self.guides = [ax.axvline(0.0, color="0.4", linestyle=":", linewidth=1.0,
                                  label=guide_label if index == 0 and guide_label else None)
                       for index in range(guides)]
        if yscale == "linear":
            ax.axhline(0, color="black", linewidth=0.6)

        ax.set_xscale(xscale)
        ax.set_yscale(yscale)
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.spines[["top", "right"]].set_visible(False)
        ax.grid(True, which="major", color="0.9", linewidth=0.6)
        self.legend = ax.legend(loc=legend_loc, fontsize=8, frameon=True, framealpha=0.9)

        # Hidden only after the legend copied their style, or its sample would be hidden too.
        for line in self.guides:
            line.set_visible(False)

    def update(self, x, curves, guides=()):
        """Replace the curves: ``curves`` maps names to y arrays over ``x``, or to ``(x, y)`` pairs.

        ``guides`` places the first ``len(guides)`` vertical lines and hides the rest.
        """
        for name, curve in curves.items():
            curve_x, curve_y = curve if isinstance(curve, tuple) else (x, curve)
            self.lines[name].set_data(curve_x, curve_y)

        for index, line in enumerate(self.guides):
            visible = index < len(guides)
            line.set_visible(visible)
            if visible:
                line.set_xdata([guides[index], guides[index]])

        self.ax.set_xlim(np.min(x), np.max(x))
        self._set_ylim([np.asarray(line.get_ydata(), dtype=np.float64) for line in self.lines.values()])

    def mark(self, points):
        """Move the markers: ``points`` maps names to ``(x, y)``, and the legend shows each y."""
        for name, (x, y) in points.items():
            self.markers[name].set_data([x], [y])
            if self.value_format is not None:
                self._legend_text(name).set_text(f"{self.labels[name]}: {self.value_format.format(y)}")

    def _legend_text(self, name):
        index = list(self.lines).index(name)
        return self.legend.get_texts()[index]

    def _set_ylim(self, curves):
        if self.ylim is not None:
            self.ax.set_ylim(*self.ylim)
            return

        values = np.concatenate([curve[np.isfinite(curve)] for curve in curves])
        if self.ax.get_yscale() == "log":
            values = values[values > 0]
        if values.size == 0:
            return

        low, high = float(values.min()), float(values.max())
        if self.ax.get_yscale() == "log":
            decades = max(np.log10(high / low), 1.0)
            factor = 10 ** (Y_MARGIN * decades)
            self.ax.set_ylim(low / factor, high * factor)
        else:
            margin = Y_MARGIN * max(high - low, 1e-12)
            self.ax.set_ylim(low - margin, high + margin)
