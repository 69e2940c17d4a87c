r"""Controls for the layer widths :math:`[N, n_1, \dots, n_{l-1}, T]`: depth and width sliders and a text box."""
import ipywidgets as widgets

from backprop_viz.network import MAX_DEPTH

MAX_WIDTH = 256
"""The widest hidden layer the text box accepts: wider maps are too dense to read and slower to draw."""

ERROR_STYLE = "color:#b00020"


def parse_layer_sizes(text, n_features, n_classes, max_depth=MAX_DEPTH, max_width=MAX_WIDTH):
    r"""Read typed widths such as ``"64, 32, 10"`` into :math:`[N, n_1, \dots, T]`.

    Parameters
    ----------
    text : str
        Whole numbers separated by commas or spaces, brackets allowed.
    n_features, n_classes : int
        N and T of the data: the first and last widths must equal them.
    max_depth : int
        The largest number of weight layers :math:`l`, one fewer than the widths.
    max_width : int
        The largest hidden width.

    Returns
    -------
    list of int

    Raises
    ------
    ValueError
        With a message short enough to show beside the text box.
    """
    example = f"{n_features}, 32, {n_classes}"
    tokens = text.strip().strip("[]()").replace(",", " ").split()
    if not tokens:
        raise ValueError(f"Type the widths separated by commas, e.g. {example}.")

    sizes = []
    for token in tokens:
        try:
            sizes.append(int(token))
        except ValueError:
            raise ValueError(f"'{token}' is not a whole number.") from None

    depth = len(sizes) - 1
    if depth < 1:
        raise ValueError(f"Give at least the input and output widths, e.g. {n_features}, {n_classes}.")
    if depth > max_depth:
        raise ValueError(f"Depth must be 1 to {max_depth} weight layers, got {depth}.")
    if min(sizes) < 1:
        raise ValueError(f"Every width must be at least 1, got {min(sizes)}.")
    if sizes[0] != n_features:
        raise ValueError(f"The first width must be the input size N = {n_features}, got {sizes[0]}.")
    if sizes[-1] != n_classes:
        raise ValueError(f"The last width must be the number of classes T = {n_classes}, got {sizes[-1]}.")
    if max(sizes[1:-1], default=1) > max_width:
        raise ValueError(f"Hidden widths must be at most {max_width}, got {max(sizes[1:-1])}.")
    return sizes


def format_layer_sizes(sizes):
    """Write widths as the text box shows them: ``"64, 32, 10"``."""
    return ", ".join(str(size) for size in sizes)


def summarize_layer_sizes(sizes):
    """Write widths compactly for a message, a run of equal hidden widths as ``"32 x 14"``."""
    hidden = sizes[1:-1]
    if len(hidden) > 2 and len(set(hidden)) == 1:
        return f"{sizes[0]}, {hidden[0]} x {len(hidden)}, {sizes[-1]}"
    return format_layer_sizes(sizes)


def uniform_layer_sizes(n_features, n_classes, depth, width):
    r"""Return :math:`[N, n, \dots, n, T]` with ``depth - 1`` hidden layers of ``width`` units."""
    return [n_features, *[width] * (depth - 1), n_classes]


class LayerControls:
    r"""A depth slider, a hidden-width slider and a text box for any list of widths.

    The sliders give every hidden layer the same width. The text box takes
    widths that differ, :math:`[N, n_1, \dots, n_{l-1}, T]`. A bad typed list
    (a word, a zero width, a depth outside 1 to ``MAX_DEPTH``, wrong first or
    last width) leaves the widths as they were and shows a short message
    beside the box.

    Parameters
    ----------
    n_features, n_classes : int
        N and T of the data.
    layer_sizes : sequence of int
        The starting widths.
    on_change : callable
        Called with no arguments after the widths change.
    """

    def __init__(self, n_features, n_classes, layer_sizes, on_change):
        self._on_change = on_change
        self._syncing = False
        self.n_features = n_features
        self.n_classes = n_classes

        self.depth_slider = widgets.IntSlider(value=2, min=1, max=MAX_DEPTH, description="depth $l$",
                                              continuous_update=False, layout=widgets.Layout(width="320px"))
        self.width_slider = widgets.IntSlider(value=32, min=1, max=128, description="width",
                                              continuous_update=False, layout=widgets.Layout(width="320px"))
        self.text = widgets.Text(description="widths", placeholder=f"e.g. {n_features}, 32, {n_classes}",
                                 continuous_update=False, layout=widgets.Layout(width="320px"))
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em", max_width="320px"))

        self.depth_slider.observe(self._slider_changed, names="value")
        self.width_slider.observe(self._slider_changed, names="value")
        self.text.observe(self._text_submitted, names="value")

        self._layer_sizes = []
        self._show(parse_layer_sizes(format_layer_sizes(layer_sizes), n_features, n_classes))
        self.widget = widgets.VBox([self.depth_slider, self.width_slider, self.text, self.message])

    @property
    def layer_sizes(self):
        r""":math:`[N, n_1, \dots, n_{l-1}, T]` as a list of int."""
        return list(self._layer_sizes)

    def set_text(self, text):
        """Type ``text`` into the box, as a student would, and press Enter."""
        self.text.value = text

    def set_layer_sizes(self, layer_sizes, n_features=None, n_classes=None):
        """Show new widths (and new N and T for another data set) without calling ``on_change``.

        Raises ``ValueError`` if the widths do not fit N and T.
        """
        n_features = self.n_features if n_features is None else n_features
        n_classes = self.n_classes if n_classes is None else n_classes
        sizes = parse_layer_sizes(format_layer_sizes(layer_sizes), n_features, n_classes)

        self.n_features, self.n_classes = n_features, n_classes
        self.text.placeholder = f"e.g. {n_features}, 32, {n_classes}"
        self.message.value = ""
        self._show(sizes)

    def _text_submitted(self, change):
        if self._syncing:
            return
        try:
            sizes = parse_layer_sizes(change["new"], self.n_features, self.n_classes)
        except ValueError as error:
            last_valid = summarize_layer_sizes(self._layer_sizes)
            self.message.value = f'<span style="{ERROR_STYLE}">{error} Kept {last_valid}.</span>'
            return
        self.message.value = ""
        self._show(sizes)
        self._on_change()

    def _slider_changed(self, change):
        if self._syncing:
            return
        sizes = uniform_layer_sizes(self.n_features, self.n_classes, self.depth_slider.value,
                                    self.width_slider.value)
        if sizes == self._layer_sizes:
            return
        self.message.value = ""
        self._show(sizes)
        self._on_change()

    def _show(self, sizes):
        """Move the sliders and the text to ``sizes`` without reacting to the change."""
        hidden = sizes[1:-1]
        self._syncing = True
        try:
            self.depth_slider.value = len(sizes) - 1
            if hidden:
                # A typed width beyond the slider's range widens the slider.
                self.width_slider.max = max(self.width_slider.max, max(hidden))
                self.width_slider.value = hidden[0]
            self.text.value = format_layer_sizes(sizes)
        finally:
            self._syncing = False
        self._layer_sizes = list(sizes)
