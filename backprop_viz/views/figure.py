"""Figure creation shared by every view."""
import matplotlib.pyplot as plt
from matplotlib.layout_engine import ConstrainedLayoutEngine


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
    The layout is a `SettledLayout`.

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
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout=SettledLayout(), **subplot_kw)

    canvas = fig.canvas
    for attribute in ("header_visible", "toolbar_visible", "footer_visible", "resizable"):
        if hasattr(canvas, attribute):
            setattr(canvas, attribute, False)
    return fig, axes
