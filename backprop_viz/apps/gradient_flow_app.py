r"""The gradient flow lesson: how depth, activation and initialisation set :math:`\lVert \partial L/\partial W_k \rVert`."""
import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import MaxNLocator

from backprop_viz.activations import ACTIVATIONS
from backprop_viz.apps.layer_controls import ERROR_STYLE, LayerControls, uniform_layer_sizes
from backprop_viz.datasets import load_digits
from backprop_viz.initializers import INITIALIZERS
from backprop_viz.network import MAX_DEPTH, Network
from backprop_viz.views import GradientNormPlot, Heatmap, make_figure

PRESETS = {
    "vanishing: deep sigmoid": {"depth": 15, "width": 32, "activation": "sigmoid", "init": "glorot", "init_scale": 1.0},
    "exploding: large Gaussian scale": {"depth": 15, "width": 32, "activation": "tanh", "init": "gaussian",
                                        "init_scale": 1.0},
    "cure: ReLU + He": {"depth": 15, "width": 32, "activation": "relu", "init": "he", "init_scale": 1.0},
    "cure: tanh + Glorot": {"depth": 15, "width": 32, "activation": "tanh", "init": "glorot", "init_scale": 1.0},
}
r"""Named settings that show vanishing and exploding gradients and their cures.

All use 15 layers of 32 units, so only the activation and the initialisation
differ. Each value sets the depth :math:`l`, the hidden width, the
activation, the initialiser and its scale.
"""

MAP_COUNT = 3
# Below this every layer's gradient norm counts as tiny: a step of any usual rate moves no weight visibly.
TINY_NORM = 1e-6


def selected_layers(depth):
    r"""Return the first, middle and last layer of :math:`1, \dots, l`, without repeats."""
    return sorted({1, (depth + 1) // 2, depth})


class GradientFlowApp:
    r"""A network of up to 20 layers on a fixed batch of digits, and the gradient of every layer.

    The top panel shows the Frobenius norm :math:`\lVert \partial L/\partial W_k \rVert`
    of each layer on a log scale, with the value written at each marker. The
    bottom panels show :math:`\partial L/\partial W_k` itself for the first,
    middle and last layer, in a diverging map centred at zero. Each map has
    its own colour scale, given by its colour bar, because the layers can
    differ by many orders of magnitude and a shared scale would leave the
    smallest maps blank.

    The network is drawn again with the same seed whenever a control changes,
    so two settings differ only in what the controls set.

    Parameters
    ----------
    split : backprop_viz.datasets.Split, optional
        Digits by default. Its first ``batch_size`` training examples form the batch.
    batch_size : int, default 100
    seed : int, default 0
        Seeds the initial weights.
    """

    def __init__(self, split=None, batch_size=100, seed=0):
        self.split = split if split is not None else load_digits()
        self.X = self.split.X_train[:batch_size]
        self.z = self.split.z_train[:batch_size]
        self.seed = seed
        self._applying_preset = False

        self._build_controls()
        self._build_figure()
        controls = widgets.VBox([self.preset_box, self.layer_controls.widget, self.activation_dropdown,
                                 self.init_dropdown, self.scale_slider], layout=widgets.Layout(width="340px"))
        self.widget = widgets.HBox([controls, widgets.VBox([self.fig.canvas, self.status])])
        self.widget.add_class("bv-gradient-flow-app")
        self.apply_preset("vanishing: deep sigmoid")

    def _build_controls(self):
        start = uniform_layer_sizes(self.split.n_features, self.split.n_classes, 15, 32)
        self.layer_controls = LayerControls(self.split.n_features, self.split.n_classes, start, self.update)
        self.activation_dropdown = widgets.Dropdown(options=list(ACTIVATIONS), value="sigmoid",
                                                    description="activation")
        self.init_dropdown = widgets.Dropdown(options=list(INITIALIZERS), value="glorot", description="init")
        self.scale_slider = widgets.FloatLogSlider(value=1.0, base=10, min=-2, max=1, step=0.05,
                                                   description="init scale", readout_format=".3g",
                                                   continuous_update=False, layout=widgets.Layout(width="320px"))
        self.preset_buttons = [widgets.Button(description=name, layout=widgets.Layout(width="260px"))
                               for name in PRESETS]
        self.status = widgets.HTMLMath(layout=widgets.Layout(min_height="3em"))
        self.status.add_class("bv-gradient-flow-status")

        for control in (self.activation_dropdown, self.init_dropdown, self.scale_slider):
            control.observe(lambda change: self.update(), names="value")
        for button in self.preset_buttons:
            button.on_click(lambda button: self.apply_preset(button.description))
        self.preset_box = widgets.VBox([widgets.HTML("<b>Presets</b>"), *self.preset_buttons])

    def _build_figure(self):
        self.fig, ax = make_figure(10.0, 6.4)
        ax.remove()
        grid = self.fig.add_gridspec(2, MAP_COUNT, height_ratios=[1, 1.05])

        self.norm_view = GradientNormPlot(self.fig.add_subplot(grid[0, :]), MAX_DEPTH,
                                          title=r"gradient norm per layer, $\Vert \partial L/\partial W_k \Vert$ "
                                                "(Frobenius), on a log scale",
                                          xlabel="layer $k$ (red squares: the layers whose gradients are mapped below)")
        self.map_views = []
        for column in range(MAP_COUNT):
            view = Heatmap(self.fig.add_subplot(grid[1, column]), (1, 1), diverging=True, annotate_up_to=0,
                           xlabel="unit of layer $k$", ylabel="unit of layer $k-1$")
            view.ax.set_aspect("auto")
            view.ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            view.ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
            self.map_views.append(view)

    # Plain-Python API -------------------------------------------------------

    @property
    def message(self):
        """The HTML widget beside the widths box that shows why typed widths were rejected."""
        return self.layer_controls.message

    @property
    def layer_sizes(self):
        r""":math:`[N, n_1, \dots, n_{l-1}, T]` of the shown network."""
        return self.layer_controls.layer_sizes

    @property
    def gradient_norms(self):
        r"""``[||dL/dW_1||, ..., ||dL/dW_l||]``, Frobenius norms, index 0 for layer 1."""
        return [float(np.linalg.norm(self.gradients[k].dW)) for k in self.network.layers]

    @property
    def ratio(self):
        r"""The first layer's gradient norm over the last one's, :math:`\lVert \partial L/\partial W_1 \rVert / \lVert \partial L/\partial W_l \rVert`."""
        norms = self.gradient_norms
        return norms[0] / norms[-1] if norms[-1] > 0 else float("nan")

    def set_layers(self, text):
        """Type widths such as ``"64, 32, 10"`` into the widths box, as a student would."""
        self.layer_controls.set_text(text)

    def apply_preset(self, name):
        """Set every control to the preset ``name`` (a key of :data:`PRESETS`) and update once."""
        if name not in PRESETS:
            raise ValueError(f"preset must be one of {list(PRESETS)}, got {name!r}")
        preset = PRESETS[name]

        self._applying_preset = True
        try:
            sizes = uniform_layer_sizes(self.split.n_features, self.split.n_classes, preset["depth"], preset["width"])
            self.layer_controls.set_layer_sizes(sizes)
            self.activation_dropdown.value = preset["activation"]
            self.init_dropdown.value = preset["init"]
            self.scale_slider.value = preset["init_scale"]
        finally:
            self._applying_preset = False
        self.update()

    def update(self):
        """Draw a new network from the controls, run one forward and backward pass, and redraw."""
        if self._applying_preset:
            return
        self.network = Network(self.layer_sizes, activation=self.activation_dropdown.value,
                               init=self.init_dropdown.value, init_scale=self.scale_slider.value, seed=self.seed)

        # Huge initial scales may overflow, which the status line reports.
        with np.errstate(over="ignore", invalid="ignore"):
            self.loss, self.gradients = self.network.loss_and_gradients(self.X, self.z)

        self._draw()
        self._write_status()

    # Drawing ----------------------------------------------------------------

    def _draw(self):
        norms = self.gradient_norms
        layers = selected_layers(self.network.depth)
        self.norm_view.update(norms, highlighted=layers)

        for index, view in enumerate(self.map_views):
            visible = index < len(layers)
            view.ax.set_visible(visible)
            view.colorbar.ax.set_visible(visible)
            if not visible:
                continue
            k = layers[index]
            gradient = self.gradients[k].dW
            with np.errstate(invalid="ignore"):
                view.update(gradient)
            rows, columns = gradient.shape
            view.ax.set_title(rf"$\partial L/\partial W_{{{k}}}$, {rows} x {columns}" "\n"
                              f"norm {norms[k - 1]:.3g}, own colour scale", fontsize=9)
        self.fig.refresh()

    def _write_status(self):
        if not np.isfinite(self.loss):
            self.status.value = (f'<span style="{ERROR_STYLE}">The logits overflowed, so the loss and the gradients '
                                 f'are nan. Lower the init scale.</span>')
            return

        ratio = self.ratio
        if ratio < 0.1:
            reading = "the gradient vanishes on its way down: the first layer barely learns"
        elif ratio > 10:
            reading = "the gradient explodes on its way down: the first layer takes huge steps"
        elif max(self.gradient_norms) > 1e3:
            reading = ("the gradient keeps its size from layer to layer, but every layer's is huge: "
                       "the activations have blown up on the way forward")
        elif max(self.gradient_norms) < TINY_NORM:
            reading = ("the gradient keeps its size from layer to layer, but every layer's is tiny: "
                       "the signal has faded on the way forward, so no layer learns")
        else:
            reading = "the gradient keeps its size from the last layer to the first"
        self.status.value = (
            f"Loss on {len(self.z)} digits: {self.loss:.4g}. "
            rf"$\Vert \partial L/\partial W_1 \Vert \,/\, \Vert \partial L/\partial W_{{{self.network.depth}}} \Vert$"
            f" = {ratio:.3g}: {reading}."
        )
