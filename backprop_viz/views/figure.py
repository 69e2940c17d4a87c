"""Figure creation shared by every view."""
import math
import time

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

NICE_STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
# Axis and colour limits are capped here, so that the room views add above their data stays finite.
MAX_AXIS_LIMIT = 1e300


class SettledLayout(ConstrainedLayoutEngine):
    """Constrained layout that runs again only when the margins it made may be too small.

    Constrained layout measures every tick label, title and axis label at each
    draw, and that is most of the time a redraw takes. A lesson's figure keeps
    its structure while a slider moves: the values change, the text around the
    axes mostly does not. This engine keeps the axes where the last layout put
    them until the figure's size, an axes' visibility or a line count changes,
    or some text grows longer than it was at the last layout. Shorter text
    fits in the margins already made, so it leaves the layout alone. A figure
    whose tick labels alternate between two lengths is therefore laid out
    once, not at every draw.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._structure = None
        self._lengths = None

    def execute(self, fig):
        """Lay out ``fig`` if its text outgrew the margins or its structure changed."""
        structure, lengths = margin_signature(fig)
        if structure == self._structure and all(now <= before for now, before in zip(lengths, self._lengths)):
            return
        super().execute(fig)
        # Tick locators depend on the axes' new sizes, so record the signature after laying out.
        self._structure, self._lengths = margin_signature(fig)


class LessonFigure(Figure):
    """A figure that redraws only its animated artists when nothing else changed.

    Views mark the artists that change with every slider move (bars, the
    values written on them, heatmap images) as animated. Matplotlib leaves
    animated artists out of a normal draw, and a change to one does not make
    the figure stale. So a full draw here renders the rest, keeps a copy of
    those pixels, and then draws the animated artists on top. While the
    figure is not stale (the same limits, ticks, titles, colour bars and
    other artists), the next draw on the same renderer restores the copy and
    draws only the animated artists, which skips laying out and rendering
    every axis. Saving a figure always draws it in full.

    Apps call `refresh` after an update instead of ``canvas.draw_idle()``.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._background = None
        self._background_renderer = None
        self._last_draw = (0.0, 0.0)

    def refresh(self):
        """Send the figure's new pixels to the browser now, or ask the browser to request them.

        With ipympl, ``canvas.draw_idle()`` sends the browser a message, the
        browser replies with a draw request, and only then does the kernel
        draw. Served by Voila on a 2-core machine, that second round trip
        took about 40 ms, twice a whole widget echo (benchmarks/latency.py).
        So once the browser shows the canvas, the figure is drawn and sent at
        once. It falls back to ``draw_idle`` when the last draw ended less
        than its own duration ago: during a drag, slider events then queue
        up behind at most one draw, and the browser requests the latest
        state once.
        """
        started, ended = self._last_draw
        # ipympl stops syncing the image as a data URL when the browser reports the canvas initialised.
        browser_ready = getattr(self.canvas, "syncing_data_url", True) is False
        if browser_ready and time.perf_counter() - ended >= ended - started:
            self.canvas.draw()
        else:
            self.canvas.draw_idle()

    def __getstate__(self):
        # The saved pixels belong to this process's renderer, so a pickled figure starts without them.
        state = super().__getstate__()
        state["_background"] = state["_background_renderer"] = None
        return state

    def draw(self, renderer):
        """Draw the animated artists on the saved background, or everything if anything else changed."""
        started = time.perf_counter()
        self._draw(renderer)
        self._last_draw = (started, time.perf_counter())

    def _draw(self, renderer):
        saving = self.canvas.is_saving()
        if self._background is not None and renderer is self._background_renderer and not self.stale and not saving:
            renderer.restore_region(self._background)
            self.draw_animated(renderer)
            return

        super().draw(renderer)
        self._background = None
        if saving or not hasattr(renderer, "copy_from_bbox"):
            return
        self._background = renderer.copy_from_bbox(self.bbox)
        self._background_renderer = renderer
        self.draw_animated(renderer)

    def draw_animated(self, renderer):
        """Draw every visible animated artist of every axes, in each axes' z-order.

        Spines that a normal draw puts above the animated artists are drawn
        again over them, so an image does not cover the frame of its axes.
        """
        for ax in sorted(self.axes, key=lambda axes: axes.get_zorder()):
            animated = [artist for artist in ax.get_children() if artist.get_animated()]
            if not ax.get_visible() or not animated:
                continue
            lowest = min(artist.get_zorder() for artist in animated)
            spines = [spine for spine in ax.spines.values() if ax.axison and spine.get_zorder() > lowest]
            for artist in sorted(animated + spines, key=lambda artist: artist.get_zorder()):
                artist.draw(renderer)


def nice_ceiling(value):
    """Return the smallest number of the form s * 10**k, s in ``NICE_STEPS``, that is >= ``value`` > 0.

    Colour and axis limits rounded up this way stay put while a slider moves
    the largest value a little, so the figure around the data need not be redrawn.
    """
    if not value > 0 or not math.isfinite(value):
        raise ValueError(f"value must be a positive finite number, got {value!r}")
    exponent = math.floor(math.log10(value))
    # Dividing by a power of ten keeps 1.5 * 10**-1 at 0.15 rather than 0.15000000000000002.
    candidates = [step * 10.0 ** exponent if exponent >= 0 else step / 10.0 ** -exponent for step in NICE_STEPS]
    # The last candidate, 10**(exponent + 1), is above value, so one always qualifies.
    return next(candidate for candidate in candidates if candidate >= value * (1 - 1e-12))


def margin_signature(fig):
    """Describe the text that sizes the margins of ``fig``.

    Returns
    -------
    structure : tuple
        Figure size and dpi, and per axes its visibility, the line count of
        its titles, axis labels and legend, and whether it has x tick labels.
    lengths : tuple of int
        Per axes, the character count of its longest title, axis label,
        y tick label and legend entry (x tick labels set the bottom margin by
        their height, so their length is left out).
    """
    def lines(texts):
        return tuple(text.get_text().count("\n") + 1 for text in texts if text.get_visible() and text.get_text())

    def longest(texts):
        return max((len(text.get_text()) for text in texts if text.get_visible()), default=0)

    structure = [tuple(fig.get_size_inches()), fig.dpi, lines(fig.texts)]
    lengths = [longest(fig.texts)]
    for ax in fig.axes:
        legend = ax.get_legend()
        legend_texts = legend.get_texts() if legend is not None else []
        texts = [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label, *legend_texts]
        structure.append((ax.get_visible(), lines(texts), bool(lines(ax.xaxis.get_majorticklabels()))))
        lengths.extend([longest(texts), longest(ax.yaxis.get_majorticklabels())])
    return tuple(structure), tuple(lengths)


def make_figure(width, height, nrows=1, ncols=1, **subplot_kw):
    """Create a figure and its axes without displaying it.

    The figure is made inside ``plt.ioff()``: with the ipympl backend an
    interactive figure is displayed when created and again when an app shows
    its canvas, so it would appear twice. With ipympl the canvas is a widget,
    and its header, toolbar and footer are hidden so the lesson shows only the plot.
    The figure is a `LessonFigure` and its layout a `SettledLayout`.

    Parameters
    ----------
    width, height : float
        Size in inches.
    nrows, ncols : int
    **subplot_kw
        Passed to ``plt.subplots`` (for example ``gridspec_kw``).

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : Axes or ndarray of Axes
    """
    with plt.ioff():
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout=SettledLayout(),
                                 FigureClass=LessonFigure, **subplot_kw)

    canvas = fig.canvas
    for attribute in ("header_visible", "toolbar_visible", "footer_visible", "resizable"):
        if hasattr(canvas, attribute):
            setattr(canvas, attribute, False)
    return fig, axes
