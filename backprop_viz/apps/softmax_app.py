"""The softmax lesson: naive and stable softmax side by side, with a temperature."""
import warnings

import ipywidgets as widgets
import numpy as np

from backprop_viz.apps.controls import MAX_CLASSES, LogitControls, value_table
from backprop_viz.softmax import naive_softmax, softmax
from backprop_viz.views import BarChart, make_figure


def naive_softmax_with_warnings(logits, temperature=1.0):
    r"""Compute ``naive_softmax(p / tau)`` and return the warnings numpy raised.

    The warnings are recorded only inside this call, so a lesson can show
    them next to the nan they cause; nothing is silenced globally.

    Returns
    -------
    f : ndarray, shape (T,)
    messages : list of str
        For example ``"RuntimeWarning: overflow encountered in exp"``.

    Raises
    ------
    ValueError
        If :math:`p/\tau` itself is beyond float64, before any exponential.
    """
    with np.errstate(over="ignore"):
        scaled = np.asarray(logits, dtype=np.float64) / temperature
    if not np.all(np.isfinite(scaled)):
        raise ValueError(f"p/τ overflows float64 at τ = {temperature:.2f}: keep |p| below {1.7e308 * temperature:.2g}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = naive_softmax(scaled)
    messages = [f"{warning.category.__name__}: {warning.message}" for warning in caught]
    return f, messages


class SoftmaxApp:
    r"""Logit sliders, a temperature slider and two bar charts of :math:`f = \mathrm{softmax}(p/\tau)`.

    Left: the textbook :math:`e^{p_i/\tau} / \sum_j e^{p_j/\tau}`; right: the
    stable version that subtracts :math:`\max_j p_j` first.

    Parameters
    ----------
    logits : sequence of float, default (1, 2, 3)
    """

    def __init__(self, logits=(1.0, 2.0, 3.0)):
        self.logit_controls = LogitControls(logits, self.update)
        self.temperature_slider = widgets.FloatLogSlider(
            value=1.0, base=10, min=-1, max=1, step=0.05, description=r"$\tau$", readout_format=".2f",
            layout=widgets.Layout(width="320px"))
        self.temperature_slider.observe(self._temperature_changed, names="value")
        self.warning_label = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.table = widgets.HTML()
        self.table.add_class("bv-softmax-table")

        self.fig, (naive_ax, stable_ax) = make_figure(8.0, 3.4, 1, 2, sharey=True)
        labels = [f"$f_{{{index + 1}}}$" for index in range(MAX_CLASSES)]
        self.naive_view = BarChart(naive_ax, MAX_CLASSES, r"naive: $e^{p_i/\tau} / \sum_j e^{p_j/\tau}$", ylim=(0, 1.12),
                                   color="#bbbbbb", tick_labels=labels, ylabel="probability")
        self.stable_view = BarChart(stable_ax, MAX_CLASSES, r"stable: subtract $\max_j p_j$ first",
                                    ylim=(0, 1.12), color="#4477aa", tick_labels=labels)

        hint = widgets.HTML('<span style="color:#555">To see the textbook formula overflow, type '
                            "<code>1000, 2000, 3000</code> into the box: the sliders stop at ±10.</span>",
                            layout=widgets.Layout(width="320px"))
        controls = widgets.VBox([self.logit_controls.widget, self.temperature_slider, hint])
        self.widget = widgets.HBox([controls, widgets.VBox([self.fig.canvas, self.warning_label, self.table])])
        self.widget.add_class("bv-softmax-app")
        self.update()

    @property
    def logits(self):
        """p, shape (T,)."""
        return self.logit_controls.logits

    @property
    def temperature(self):
        r""":math:`\tau`."""
        return self.temperature_slider.value

    def set_logits(self, text):
        """Type a list of logits into the text box."""
        self.logit_controls.set_text(text)

    def _temperature_changed(self, change):
        try:
            self.update()
        except ValueError as error:
            self.temperature_slider.value = change["old"]
            self.logit_controls.show_error(f'{error}. Kept τ = {change["old"]:.2f}.')

    def update(self):
        """Recompute both softmaxes from the controls and redraw the bars.

        Raises ValueError, before changing anything, if :math:`p/\tau` overflows.
        """
        self.naive, messages = naive_softmax_with_warnings(self.logits, self.temperature)
        self.stable = softmax(self.logits, temperature=self.temperature)

        self.naive_view.update(self.naive)
        self.stable_view.update(self.stable)
        self.warning_label.value = "".join(f"numpy warned in the naive version: <code>{message}</code><br>"
                                           for message in messages)
        self.table.value = value_table({"logits p": self.logits, "naive f": self.naive, "stable f": self.stable})
        self.fig.refresh()
