"""Labelled bars with the value written on each bar."""
import numpy as np

from backprop_viz.views.figure import MAX_AXIS_LIMIT, nice_ceiling
from backprop_viz.views.heatmap import format_value

HEADROOM = 1.18


class BarChart:
    r"""Up to ``max_bars`` vertical bars whose heights and labels update in place.

    Colour is never the only carrier of a value: each bar has its number
    written above (or below, for negative values) it. The bars, their numbers
    and the zero line are animated artists (see `LessonFigure`), and fitted
    limits are rounded up to a `nice_ceiling`, so a small change of the
    values redraws only the bars.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    max_bars : int
        Bars are created once; ``update`` shows the first ``len(values)``.
    title : str
    ylim : (float, float) or None
        Fixed limits, or None to fit each update's values with room for
        their numbers.
    color : str
        Bar colour.
    value_format : str
        Format for the written values, e.g. ``"{:.3f}"``.
    tick_labels : sequence of str, optional
        Labels under the bars; ``p_1``... style labels by default.
    tick_rotation : float
        Angle of the labels under the bars in degrees; rotated labels end
        under their bar.
    """

    def __init__(self, ax, max_bars, title="", ylim=None, color="tab:blue", value_format="{:.3f}",
                 tick_labels=None, ylabel="", tick_rotation=0.0):
        self.ax = ax
        self.tick_rotation = tick_rotation
        self.ylim = ylim
        self.value_format = value_format
        self.tick_labels = list(tick_labels) if tick_labels is not None else [str(i) for i in range(max_bars)]

        positions = np.arange(max_bars)
        self.bars = ax.bar(positions, np.zeros(max_bars), color=color, edgecolor="black", linewidth=0.6)
        self.texts = [ax.text(x, 0, "", ha="center", va="bottom", fontsize=9) for x in positions]
        zero_line = ax.axhline(0, color="black", linewidth=0.8)
        for artist in [*self.bars, *self.texts, zero_line]:
            artist.set_animated(True)
        self._ticks = None
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        ax.spines[["top", "right"]].set_visible(False)

    def update(self, values, colors=None):
        """Show ``values`` (1-D, at most ``max_bars`` long) and hide the remaining bars."""
        values = np.asarray(values, dtype=np.float64)
        count = len(values)
        crowded = count > 6

        for index, (bar, text) in enumerate(zip(self.bars, self.texts)):
            visible = index < count
            bar.set_visible(visible)
            text.set_visible(visible)
            if not visible:
                continue
            value = values[index]
            shown = 0.0 if np.isnan(value) else value
            bar.set_height(shown)
            if colors is not None:
                bar.set_facecolor(colors[index])
            text.set_text(format_value(self.value_format, value))
            text.set_fontsize(8 if crowded else 9)
            text.set_rotation(90 if crowded else 0)
            text.set_y(shown)
            text.set_va("bottom" if shown >= 0 else "top")

        ticks = (count, tuple(self.tick_labels[:count]))
        if ticks != self._ticks:
            self.ax.set_xticks(np.arange(count), self.tick_labels[:count], fontsize=8 if crowded else None)
            if self.tick_rotation:
                for label in self.ax.get_xticklabels():
                    label.set(rotation=self.tick_rotation, horizontalalignment="right", rotation_mode="anchor")
            self.ax.set_xlim(-0.6, count - 0.4)
            self._ticks = ticks
        limits = self.ylim if self.ylim is not None else fitted_limits(values)
        if tuple(self.ax.get_ylim()) != tuple(limits):
            self.ax.set_ylim(*limits)


def fitted_limits(values):
    """Return y limits around 0 and the finite ``values``, with room for the numbers, rounded up to nice values."""
    # Clipped so that the limits and the room above them stay finite.
    finite = np.clip(values[np.isfinite(values)], -MAX_AXIS_LIMIT, MAX_AXIS_LIMIT)
    low = min(0.0, finite.min()) if finite.size else 0.0
    high = max(0.0, finite.max()) if finite.size else 1.0
    margin = (HEADROOM - 1) * max(high - low, 1e-12)
    bottom = -nice_ceiling(margin - low) if low < 0 else 0.0
    top = nice_ceiling(high + margin) if high > 0 else nice_ceiling(margin)
    return bottom, top
