r"""The losses lesson: six losses on one prediction, their curves, and confidently wrong predictions."""
import logging
import math

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from backprop_viz.apps.controls import LogitControls, format_logits, is_echo
from backprop_viz.apps.loss_comparison import ComparisonPanel, ConfidencePanel, confidence_sweep, losses_on_softmax
from backprop_viz.apps.loss_curves import CurvesPanel
from backprop_viz.softmax import softmax

logger = logging.getLogger(__name__)

ERROR_STYLE = "color:#b00020"


def parse_positive(text, name):
    """Read a typed number that must be finite and > 0.

    Raises
    ------
    ValueError
        With a message short enough to show beside the text box.
    """
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{name} must be a number > 0, got '{text.strip()}'.") from None
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {text.strip()}.")
    return value


class PositiveNumberControl:
    r"""A slider and a text box for one positive number, such as Huber's :math:`\delta`.

    A typed value beyond the slider's range widens the range. A typed value
    that is not a finite number > 0 leaves the value as it was and shows a
    short message beside the box.

    Parameters
    ----------
    name : str
        Used in messages, e.g. "delta".
    description : str
        The slider's label; may contain LaTeX.
    value, low, high, step : float
        The starting value and the slider's range and step.
    on_change : callable
        Called with no arguments after the value changes.
    """

    def __init__(self, name, description, value, low, high, step, on_change):
        self.name = name
        self._on_change = on_change
        self._syncing = False

        self.slider = widgets.FloatSlider(value=value, min=low, max=high, step=step, description=description,
                                          readout_format=".2f", layout=widgets.Layout(width="320px"))
        self.text = widgets.Text(value=f"{value:g}", description=f"type {name}", continuous_update=False,
                                 layout=widgets.Layout(width="200px"))
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.value = value

        self.slider.observe(self._slider_changed, names="value")
        self.text.observe(self._text_submitted, names="value")
        self.widget = widgets.VBox([self.slider, widgets.HBox([self.text, self.message])])

    def set_text(self, text):
        """Type ``text`` into the box, as a student would, and press Enter."""
        self.text.value = text

    def _text_submitted(self, change):
        if self._syncing:
            return
        try:
            value = parse_positive(change["new"], self.name)
        except ValueError as error:
            self.message.value = f'<span style="{ERROR_STYLE}">{error} Kept {self.value:g}.</span>'
            return

        self.value = value
        self._sync(slider_value=value)
        self._on_change()

    def _slider_changed(self, change):
        if self._syncing or is_echo(self.slider, change["new"], self.value):
            return
        self.message.value = ""
        self.value = change["new"]
        self._sync(text=f"{self.value:g}")
        self._on_change()

    def _sync(self, slider_value=None, text=None):
        """Set the slider or the text without calling back.

        The slider keeps its range: a typed value outside it puts the handle
        at the end, and a note explains that the box contains the value.
        """
        self._syncing = True
        try:
            if slider_value is not None:
                self.slider.value = min(max(slider_value, self.slider.min), self.slider.max)
                outside = not self.slider.min <= slider_value <= self.slider.max
                self.message.value = (f'<span style="color:#555">{self.name} = {slider_value:g} is beyond the '
                                      "slider, which sits at its end.</span>") if outside else ""
            if text is not None:
                self.text.value = text
        finally:
            self._syncing = False


class LossesApp:
    r"""Six losses side by side on one prediction, as curves, and for confidently wrong predictions.

    Shared controls (logits p, target class, Huber's :math:`\delta`, label
    smoothing s) sit above three tabs:

    - *One prediction*: each loss's value and :math:`\lVert \partial L/\partial p \rVert`
      as bars, and :math:`\partial L/\partial p` of each loss with its values
      written on the bars. Cross-entropy takes the logits, the other losses
      :math:`f = \mathrm{softmax}(p)` against the one-hot y.
    - *Curves*: each loss and its derivative over an error e, a margin m or
      an angle :math:`\theta`, with a marker at the sliders' values.
    - *Confidently wrong*: L and :math:`\lVert \partial L/\partial p \rVert`
      as :math:`p_z` moves :math:`f_z` from 1e-4 to 0.9999.

    Parameters
    ----------
    logits : sequence of float, default (1, 3, -3)
    target : int, default 0
        The class index z, counted from 0; the dropdown shows it counted from 1.
    delta : float, default 1.0

    Attributes
    ----------
    logits, probabilities : ndarray, shape (T,)
        p and f of the last valid state.
    target : int
    delta, label_smoothing : float
    values : dict of str to float
        Each loss's L, keyed by its name in :data:`~backprop_viz.losses.LOSSES`.
    gradients : dict of str to ndarray, shape (T,)
        Each loss's :math:`\partial L/\partial p`.
    gradient_norms : dict of str to float
    error_message, target_note : ipywidgets.HTML
        Beside the controls. ``logit_controls.message`` and
        ``delta_control.message`` report bad typed input.
    comparison_panel, curves_panel, confidence_panel
        The three tabs, with their views and numbers.
    """

    def __init__(self, logits=(1.0, 3.0, -3.0), target=0, delta=1.0):
        self._syncing = False
        self.logit_controls = LogitControls(logits, self._logits_changed)
        self._build_controls(len(logits), target, delta)

        self.comparison_panel = ComparisonPanel()
        self.curves_panel = CurvesPanel(delta)
        self.confidence_panel = ConfidencePanel()
        self.tabs = widgets.Tab(children=[self.comparison_panel.widget, self.curves_panel.widget,
                                          self.confidence_panel.widget],
                                titles=["One prediction", "Curves", "Confidently wrong"])

        # Figures whose artists changed while their tab was hidden; drawn when it is shown.
        self._stale_figures = set()
        self.tabs.observe(lambda change: self._draw_visible(), names="selected_index")

        self.widget = widgets.VBox([self.controls, self.tabs])
        self.widget.add_class("bv-losses-app")
        self.update()

    def _build_controls(self, class_count, target, delta):
        self.target_dropdown = widgets.Dropdown(options=self._target_options(class_count), value=target,
                                                description="target class", layout=widgets.Layout(width="220px"))
        self.target_note = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))
        self.delta_control = PositiveNumberControl("delta", r"Huber $\delta$", delta, 0.05, 3.0, 0.05,
                                                   self.update)
        self.smoothing_slider = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05,
                                                    description="smoothing $s$", readout_format=".2f",
                                                    style={"description_width": "initial"},
                                                    layout=widgets.Layout(width="320px"))
        self.error_message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))

        self.target_dropdown.observe(self._target_changed, names="value")
        self.smoothing_slider.observe(lambda change: self.update(), names="value")

        settings = widgets.VBox([widgets.HBox([self.target_dropdown, self.target_note]), self.delta_control.widget,
                                 self.smoothing_slider, self.error_message])
        self.controls = widgets.HBox([self.logit_controls.widget, settings])

    @staticmethod
    def _target_options(class_count):
        return [(f"class {index + 1}", index) for index in range(class_count)]

    @property
    def figures(self):
        """The three figures, one per tab."""
        return (self.comparison_panel.fig, self.curves_panel.fig, self.confidence_panel.fig)

    def close(self):
        """Close the figures, which pyplot would otherwise keep until the kernel stops."""
        for figure in self.figures:
            plt.close(figure)

    def set_logits(self, text):
        """Type a list of logits into the text box."""
        self.logit_controls.set_text(text)

    def set_delta(self, text):
        r"""Type Huber's :math:`\delta` into its text box."""
        self.delta_control.set_text(text)

    def _logits_changed(self):
        """Keep the target dropdown to the classes that exist, then recompute.

        Raises ValueError, with the dropdown as it was, when the core rejects
        the new logits, so that the logit controls put the last valid ones back.
        """
        options, target, note = self.target_dropdown.options, self.target_dropdown.value, self.target_note.value
        class_count = len(self.logit_controls.logits)
        if len(options) != class_count:
            self._set_target_quietly(self._target_options(class_count), min(target, class_count - 1))
            moved = target >= class_count
            self.target_note.value = f"moved to class {class_count}, the last one" if moved else ""
        try:
            self._recompute()
        except ValueError as error:
            logger.info("rejected logits %s: %s", self.logit_controls.logits.tolist(), error)
            self._set_target_quietly(options, target)
            self.target_note.value = note
            raise

    def _set_target_quietly(self, options, target):
        self._syncing = True
        try:
            self.target_dropdown.options = options
            self.target_dropdown.value = target
        finally:
            self._syncing = False

    def _target_changed(self, change):
        self.target_note.value = ""
        self.update()

    def update(self):
        """Recompute every loss from the controls and redraw the panels that depend on them.

        When the core rejects the controls' values, the last valid state stays
        and a message appears beside the controls.
        """
        if self._syncing:
            return
        try:
            self._recompute()
        except ValueError as error:
            if not hasattr(self, "values"):
                raise  # the constructor's arguments, not a student's input
            logger.info("rejected target %s, delta %s, smoothing %s for logits %s: %s", self.target_dropdown.value,
                        self.delta_control.value, self.smoothing_slider.value, self.logits.tolist(), error)
            self.error_message.value = (f'<span style="{ERROR_STYLE}">{error}. '
                                        f'Kept p = {format_logits(self.logits)}.</span>')

    def _recompute(self):
        """Compute every loss from the controls and redraw; raise ValueError, changing nothing, if the core rejects them."""
        logits = self.logit_controls.logits
        target = self.target_dropdown.value
        delta = self.delta_control.value
        label_smoothing = self.smoothing_slider.value
        values, gradients = losses_on_softmax(logits, target, delta, label_smoothing)
        sweep = confidence_sweep(logits, target, delta, label_smoothing)

        self.error_message.value = ""
        self.logits, self.target, self.values, self.gradients = logits, target, values, gradients
        self.delta, self.label_smoothing = delta, label_smoothing
        self.probabilities = softmax(logits)
        self.gradient_norms = {name: float(np.linalg.norm(gradient)) for name, gradient in gradients.items()}

        if delta != self.curves_panel.delta:
            self.curves_panel.set_delta(delta)
        self.comparison_panel.update(logits, target, values, gradients, delta, label_smoothing)
        self.confidence_panel.update(logits, target, sweep, values, gradients)
        self._stale_figures.update((0, 2))
        self._draw_visible()

    def _draw_visible(self):
        """Draw the shown tab's figure if its artists changed: drawing hidden figures is wasted time."""
        index = self.tabs.selected_index
        if index in self._stale_figures:
            self._stale_figures.discard(index)
            self.figures[index].refresh()
