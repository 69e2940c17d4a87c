"""Figure creation shared by every view."""
import matplotlib.pyplot as plt


def make_figure(width, height, nrows=1, ncols=1, **subplot_kw):
    """Create a figure and its axes without displaying it.

    The figure is made inside ``plt.ioff()``: with the ipympl backend an
    interactive figure is displayed when created and again when an app shows
    its canvas, so it would appear twice. With ipympl the canvas is a widget,
    and its header, toolbar and footer are hidden so the lesson shows only the plot.

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
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), layout="constrained", **subplot_kw)

    canvas = fig.canvas
    for attribute in ("header_visible", "toolbar_visible", "footer_visible", "resizable"):
        if hasattr(canvas, attribute):
            setattr(canvas, attribute, False)
    return fig, axes
