"""A matrix heatmap with a colour bar and the values written in the cells."""
import numpy as np
from matplotlib.colors import Normalize, TwoSlopeNorm

from backprop_viz.views.figure import MAX_AXIS_LIMIT, nice_ceiling



class Heatmap:
    r"""An ``imshow`` of a matrix that updates in place, up to ``max_shape``.

    Signed quantities (gradients, Jacobians) use a diverging colour map centred
    at zero, so white always means 0; non-negative ones (probabilities,
    pixels) use a sequential map. Both default maps read in grey scale and
    under the common colour-vision deficiencies. Cells are annotated with
    their values while the matrix is at most ``annotate_up_to`` on a side.
    The image and the values are animated artists (see `LessonFigure`), and
    the colour range is rounded up to a `nice_ceiling`, so a small change of
    the matrix redraws only the cells.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    max_shape : (int, int)
        The largest matrix ``update`` will receive.
    diverging : bool
        True for signed values (``RdBu_r`` centred at 0), False for ``viridis``.
    title : str
    value_format : str
        Format of the written values; matrices larger than 6 x 6 use two decimals.
    annotate_up_to : int
    colorbar : bool
    """

    def __init__(self, ax, max_shape, diverging=True, title="", value_format="{:.2f}", annotate_up_to=12,
                 colorbar=True, cmap=None, xlabel="", ylabel=""):
        self.ax = ax
        self.diverging = diverging
        self.value_format = value_format
        self.annotate_up_to = annotate_up_to

        rows, columns = max_shape
        cmap = cmap or ("RdBu_r" if diverging else "viridis")
        norm = TwoSlopeNorm(vcenter=0.0, vmin=-1.0, vmax=1.0) if diverging else Normalize(0.0, 1.0)
        self.image = ax.imshow(np.zeros(max_shape), cmap=cmap, norm=norm, interpolation="nearest")
        self.colorbar = ax.figure.colorbar(self.image, ax=ax, shrink=0.8) if colorbar else None

        annotate = max(rows, columns) <= annotate_up_to
        self.texts = np.empty(max_shape, dtype=object)
        for i, j in np.ndindex(max_shape):
            self.texts[i, j] = ax.text(j, i, "", ha="center", va="center", fontsize=8, animated=True) if annotate else None
        self.image.set_animated(True)
        self._shape = None
        self._tick_labels = None

        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)

    def update(self, matrix, tick_labels=None, limit=None):
        """Show ``matrix`` (2-D, within ``max_shape``), rescale colours, rewrite the values.

        ``limit`` fixes the colour range to [-limit, limit] (or [0, limit]), so
        that several heatmaps can share one scale; by default it is the
        largest absolute value in ``matrix``. Either way it is rounded up
        with `nice_ceiling`.
        """
        matrix = np.asarray(matrix, dtype=np.float64)
        rows, columns = matrix.shape

        self.image.set_data(matrix)
        if matrix.shape != self._shape:
            self.image.set_extent((-0.5, columns - 0.5, rows - 0.5, -0.5))
            self.ax.set_xlim(-0.5, columns - 0.5)
            self.ax.set_ylim(rows - 0.5, -0.5)
        self._rescale(matrix, limit)
        self._annotate(matrix)
        labels = None if tick_labels is None else list(tick_labels)
        if labels is not None and (matrix.shape != self._shape or labels != self._tick_labels):
            self.ax.set_xticks(np.arange(columns), labels[:columns])
            self.ax.set_yticks(np.arange(rows), labels[:rows])
        self._shape, self._tick_labels = matrix.shape, labels

    def _rescale(self, matrix, limit):
        if limit is None:
            finite = matrix[np.isfinite(matrix)]
            limit = float(np.max(np.abs(finite))) if finite.size else 0.0
        top = nice_ceiling(min(limit, MAX_AXIS_LIMIT)) if limit > 0 else 1.0
        bottom = -top if self.diverging else 0.0
        if (self.image.norm.vmin, self.image.norm.vmax) != (bottom, top):
            self.image.norm.vmin, self.image.norm.vmax = bottom, top

    def _annotate(self, matrix):
        if self.texts[0, 0] is None:
            return
        rows, columns = matrix.shape
        threshold = 0.6 * max(abs(self.image.norm.vmin), abs(self.image.norm.vmax))
        fontsize = min(9.0, 64.0 / max(rows, columns))
        value_format = self.value_format if max(rows, columns) <= 6 else "{:.2f}"
        for (i, j), text in np.ndenumerate(self.texts):
            visible = i < rows and j < columns
            text.set_visible(visible)
            if visible:
                value = matrix[i, j]
                text.set_text(format_value(value_format, value))
                text.set_fontsize(fontsize)
                dark_cell = abs(value) > threshold if self.diverging else value < threshold
                text.set_color("white" if dark_cell else "black")


def format_value(value_format, value):
    """Format a number, writing values that round to zero as 0 rather than -0."""
    text = value_format.format(value)
    return value_format.format(0.0) if np.isfinite(value) and float(text) == 0 else text
