"""The softmax layer on handwritten digits: one example, every gradient, one step at a time."""
import ipywidgets as widgets
import numpy as np

from backprop_viz.datasets import load_digits
from backprop_viz.layer import accuracy, fit_softmax_layer, softmax_layer
from backprop_viz.losses import LOSSES
from backprop_viz.views import BarChart, Heatmap, fitted_limits, make_figure

DIVERGING = ("#2166ac", "#b2182b")  # blue for negative, red for positive, as in RdBu_r


def signed_colors(values):
    """Return a bar colour per value: red for >= 0, blue for < 0."""
    return [DIVERGING[1] if value >= 0 else DIVERGING[0] for value in values]


class CrossEntropyApp:
    r"""A softmax layer trained on the digits, shown on one test image at a time.

    The view shows the image x, the logits :math:`p = W^\top x + b`, the
    probabilities f beside the one-hot target y, :math:`\partial L/\partial p =
    \partial L/\partial b` (which is f - y for cross-entropy) and
    :math:`\partial L/\partial W = x (\partial L/\partial p)^\top` as ten 8 x 8
    maps, one per column of W. A button takes one gradient step on the shown
    image.

    Parameters
    ----------
    split : backprop_viz.datasets.Split, optional
        Digits by default.
    """

    def __init__(self, split=None):
        self.split = split if split is not None else load_digits()
        self.initial_W, self.initial_b = fit_softmax_layer(self.split.X_train, self.split.z_train,
                                                           self.split.n_classes)
        self.W, self.b = self.initial_W.copy(), self.initial_b.copy()
        self.loss_history = []

        self._build_controls()
        self._build_figure()
        self._weights_changed()
        self.widget = widgets.HBox([self.controls, widgets.VBox([self.fig.canvas, self.status])])
        self.widget.add_class("bv-cross-entropy-app")
        self.update()

    def _build_controls(self):
        self.image_slider = widgets.IntSlider(value=0, min=0, max=len(self.split.z_test) - 1,
                                              description="test image", continuous_update=True)
        self.loss_dropdown = widgets.Dropdown(options=[(loss.label, name) for name, loss in LOSSES.items()],
                                              value="cross_entropy", description="loss")
        self.learning_rate_slider = widgets.FloatLogSlider(value=0.05, base=10, min=-3, max=0, step=0.1,
                                                           description=r"$\eta$", readout_format=".3f")
        self.step_button = widgets.Button(description="Take a gradient step", icon="arrow-down",
                                          button_style="primary", layout=widgets.Layout(width="220px"))
        self.reset_button = widgets.Button(description="Reset weights", icon="undo",
                                           layout=widgets.Layout(width="220px"))
        self.status = widgets.HTMLMath(layout=widgets.Layout(min_height="4em"))

        self.image_slider.observe(self._example_changed, names="value")
        self.loss_dropdown.observe(self._loss_changed, names="value")
        self.step_button.on_click(lambda button: self.take_step())
        self.reset_button.on_click(lambda button: self.reset())
        self.controls = widgets.VBox([self.image_slider, self.loss_dropdown, self.learning_rate_slider,
                                      self.step_button, self.reset_button],
                                     layout=widgets.Layout(width="330px"))

    def _build_figure(self):
        T = self.split.n_classes
        self.fig, axes = make_figure(10.0, 5.6, 2, 1, gridspec_kw={"height_ratios": [1.25, 1]})
        axes[0].remove()
        axes[1].remove()
        top = self.fig.add_gridspec(2, 4, height_ratios=[1.25, 1], width_ratios=[0.8, 1, 1, 1])
        bottom = top[1, :].subgridspec(1, T)

        names = list(self.split.class_names)
        self.image_view = Heatmap(self.fig.add_subplot(top[0, 0]), self.split.image_shape, diverging=False,
                                  title="input x", annotate_up_to=0, colorbar=False, cmap="gray_r")
        self.image_view.ax.set_axis_off()
        self.logit_view = BarChart(self.fig.add_subplot(top[0, 1]), T, "logits $p = W^\\top x + b$",
                                   color="#777777", tick_labels=names, value_format="{:.1f}")
        probability_ax = self.fig.add_subplot(top[0, 2])
        self.target_bars = probability_ax.bar(np.arange(T), np.zeros(T), fill=False, edgecolor="black",
                                              linestyle="--", linewidth=1.2, label="target $y$", animated=True)
        self.probability_view = BarChart(probability_ax, T, "$f$ (bars) and $y$ (dashed)", ylim=(0, 1.15),
                                         color="#4477aa", tick_labels=names, value_format="{:.2f}")
        self.gradient_view = BarChart(self.fig.add_subplot(top[0, 3]), T,
                                      r"$\partial L/\partial p = \partial L/\partial b$", tick_labels=names,
                                      value_format="{:.2g}")
        self.weight_gradient_views = [
            Heatmap(self.fig.add_subplot(bottom[0, k]), self.split.image_shape, title=f"class {names[k]}",
                    annotate_up_to=0, colorbar=False)
            for k in range(T)
        ]
        for view in self.weight_gradient_views:
            view.ax.set_axis_off()
        colorbar = self.fig.colorbar(self.weight_gradient_views[0].image, ax=[view.ax for view in self.weight_gradient_views],
                                     orientation="horizontal", shrink=0.5, aspect=40)
        colorbar.set_label(r"$\partial L/\partial W = x\,(\partial L/\partial p)^\top$, one column of W per class "
                           "(red: a step lowers that weight, blue: raises it)")

    @property
    def x(self):
        """The shown test image as a vector, shape (N,)."""
        return self.split.X_test[self.image_slider.value]

    @property
    def z(self):
        """Its class index."""
        return int(self.split.z_test[self.image_slider.value])

    def take_step(self):
        r"""Update :math:`W \leftarrow W - \eta\,\partial L/\partial W` and :math:`b \leftarrow b - \eta\,\partial L/\partial b` on the shown image."""
        eta = self.learning_rate_slider.value
        self.W -= eta * self.result.dL_dW
        self.b -= eta * self.result.dL_db
        self._weights_changed()
        self.update()

    def reset(self):
        """Restore the trained weights and clear the loss history."""
        self.W, self.b = self.initial_W.copy(), self.initial_b.copy()
        self.loss_history = []
        self._weights_changed()
        self.update()

    def _weights_changed(self):
        """Score W and b on the test set and fit the bar axes to them."""
        self.test_accuracy = accuracy(self.split.X_test, self.split.z_test, self.W, self.b)
        self._fit_axes()

    def _fit_axes(self):
        """Fit the logit and gradient axes to every test image.

        A new weight or loss calls this, a new image does not, so the axes keep
        one scale while the student moves through the test images and bars
        of different images can be compared.
        """
        loss = self.loss_dropdown.value
        self.logit_view.ylim = fitted_limits(self.split.X_test @ self.W + self.b)
        gradients = np.array([softmax_layer(x, self.W, self.b, int(z), loss=loss).dL_dp
                              for x, z in zip(self.split.X_test, self.split.z_test)])
        self.gradient_view.ylim = fitted_limits(gradients)
        # Digits pixels lie in [0, 1], so |dL/dW| = |x_i (dL/dp)_k| is at most the largest |dL/dp|.
        self.weight_gradient_limit = float(np.abs(gradients).max()) or 1.0

    def _loss_changed(self, change):
        self._fit_axes()
        self._example_changed(change)

    def _example_changed(self, change):
        self.loss_history = []
        self.update()

    def update(self):
        """Recompute the layer on the shown image and redraw every panel."""
        self.result = softmax_layer(self.x, self.W, self.b, self.z, loss=self.loss_dropdown.value)
        self.loss_history.append(self.result.loss)

        self._draw()
        self._write_status()

    def _draw(self):
        result = self.result
        y = np.eye(self.split.n_classes)[self.z]

        self.image_view.update(self.x.reshape(self.split.image_shape), limit=1.0)
        self.logit_view.update(result.logits)
        self.probability_view.update(result.probabilities)
        for bar, height in zip(self.target_bars, y):
            bar.set_height(height)
        self.gradient_view.update(result.dL_dp, colors=signed_colors(result.dL_dp))

        maps = result.dL_dW.T.reshape(-1, *self.split.image_shape)
        for view, gradient_map in zip(self.weight_gradient_views, maps):
            view.update(gradient_map, limit=self.weight_gradient_limit)
        self.fig.refresh()

    def _write_status(self):
        f = self.result.probabilities
        history = " → ".join(f"{value:.4f}" for value in self.loss_history[-6:])
        self.status.value = (
            f"True class $z = {self.z}$, predicted {int(np.argmax(f))}, "
            f"$f_z = {f[self.z]:.4f}$. Loss ({LOSSES[self.loss_dropdown.value].label}): {history}<br>"
            f"Test accuracy of this layer: {self.test_accuracy:.1%} on {len(self.split.z_test)} images")
