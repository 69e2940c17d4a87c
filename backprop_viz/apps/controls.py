"""Controls shared by the apps: a row of logit sliders with a text box."""
import math

import ipywidgets as widgets
import numpy as np

MIN_CLASSES = 2
MAX_CLASSES = 10
SLIDER_LIMIT = 10.0


def parse_logits(text, min_count=MIN_CLASSES, max_count=MAX_CLASSES):
    r"""Read a typed list such as ``"1, 2, 3"`` or ``"[1 2 3]"`` into floats.

    Returns
    -------
    list of float

    Raises
    ------
    ValueError
        With a message short enough to show beside the text box.
    """
    body = text.strip().strip("[]()")
    if "," in body and any(not part.strip() for part in body.split(",")):
        raise ValueError("Remove the empty entry between commas.")
    tokens = body.replace(",", " ").split()
    if not tokens:
        raise ValueError(f"Type {min_count} to {max_count} numbers separated by commas.")

    values = []
    for token in tokens:
        try:
            values.append(float(token))
        except ValueError:
            raise ValueError(f"'{token}' is not a number.") from None

    if not all(math.isfinite(value) for value in values):
        raise ValueError("Logits must be finite: nan and inf are not allowed.")
    if not min_count <= len(values) <= max_count:
        raise ValueError(f"Expected {min_count} to {max_count} numbers, got {len(values)}.")
    return values


def format_logits(values):
    """Write logits back as the text box shows them: ``"1, 2, 3"``."""
    return ", ".join(f"{value:g}" for value in values)


class LogitControls:
    r"""Sliders for up to ten logits :math:`p_1 \dots p_T`, plus a text box for any list.

    The sliders cover [-10, 10]. A typed value beyond that range is kept
    exactly; its slider waits at the end of its track until moved, and a note
    explains this. A bad typed list leaves the logits as they were and shows a short
    message beside the box. So do logits that ``on_change`` rejects by raising
    ValueError (for example ones that overflow once divided by a temperature):
    the sliders and the box go back to the last valid logits.

    Parameters
    ----------
    logits : sequence of float
        The starting logits; their count is T.
    on_change : callable
        Called with no arguments after the logits change. It may raise
        ValueError to reject them, before changing any state.
    """

    def __init__(self, logits, on_change):
        self._on_change = on_change
        self._syncing = False

        self.sliders = [
            widgets.FloatSlider(value=0.0, min=-SLIDER_LIMIT, max=SLIDER_LIMIT, step=0.1,
                                description=f"$p_{{{index + 1}}}$", continuous_update=True,
                                readout_format=".1f", layout=widgets.Layout(width="320px"))
            for index in range(MAX_CLASSES)
        ]
        self.text = widgets.Text(description="logits", placeholder="e.g. 1, 2, 3",
                                 continuous_update=False, layout=widgets.Layout(width="320px"))
        self.message = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))

        for slider in self.sliders:
            slider.observe(self._slider_changed, names="value")
        self.text.observe(self._text_submitted, names="value")

        self._logits = []
        self._show(parse_logits(format_logits(logits)))
        self.widget = widgets.VBox([self.text, self.message, *self.sliders],
                                   layout=widgets.Layout(width="340px", flex="0 0 auto"))

    @property
    def logits(self):
        """The current logits p as a float64 array of shape (T,)."""
        return np.array(self._logits, dtype=np.float64)

    def set_text(self, text):
        """Type ``text`` into the box, as a student would, and press Enter."""
        self.text.value = text

    def _text_submitted(self, change):
        if self._syncing:
            return
        try:
            values = parse_logits(change["new"])
        except ValueError as error:
            self._reject(error)
            return
        self._apply(values)

    def _apply(self, values):
        """Show ``values`` and call ``on_change``; if it raises ValueError, put the last valid logits back."""
        previous = list(self._logits)
        self._show(values)
        try:
            self._on_change()
        except ValueError as error:
            self._show(previous)
            self._on_change()
            self._reject(error)
            return
        self.message.value = self._range_note()

    def _reject(self, error):
        self.show_error(f"{str(error).rstrip('.')}. Kept {format_logits(self._logits)}.")

    def show_error(self, text):
        """Show ``text`` in red beside the box."""
        self.message.value = f'<span style="color:#b00020">{text}</span>'

    def _slider_changed(self, change):
        if self._syncing:
            return
        index = self.sliders.index(change["owner"])
        # The browser echoes the value it shows: a logit beyond the track at its end, others on the grid.
        if index >= len(self._logits) or is_echo(change["owner"], change["new"], self._logits[index]):
            return
        values = list(self._logits)
        values[index] = change["new"]
        self._apply(values)

    @staticmethod
    def _clip(value):
        return min(max(value, -SLIDER_LIMIT), SLIDER_LIMIT)

    def _range_note(self):
        if all(abs(value) <= SLIDER_LIMIT for value in self._logits):
            return ""
        return (f'<span style="color:#555">Logits beyond ±{SLIDER_LIMIT:g} sit at the end of their slider; '
                "the box shows their values.</span>")

    def _show(self, values):
        self._syncing = True
        try:
            for index, slider in enumerate(self.sliders):
                if index < len(values):
                    slider.value = self._clip(values[index])
                slider.layout.display = None if index < len(values) else "none"
            self.text.value = format_logits(values)
        finally:
            self._syncing = False
        self._logits = list(values)

    def _set_text_quietly(self, text):
        self._syncing = True
        try:
            self.text.value = text
        finally:
            self._syncing = False


def is_echo(slider, new, value):
    """Tell whether a slider's ``new`` value is the browser showing ``value``, not a move by the student.

    The browser puts the handle on the slider's grid (min + k * step) and
    inside its range, and sends back the value it shows. A move by the
    student lands at least one step from that shown value, so at least half
    a step from ``value`` itself.
    """
    handle_value = min(max(value, slider.min), slider.max)
    return abs(new - handle_value) < slider.step / 2


def value_table(rows):
    """Write named rows of numbers as a small HTML table, so values are readable as text too."""
    lines = ['<table class="bv-values" style="font-family:monospace; white-space:nowrap">']
    for name, values in rows.items():
        cells = "".join(f'<td style="padding:0 0.4em">{value:.6g}</td>' for value in values)
        lines.append(f'<tr data-row="{name}"><th style="text-align:left">{name}</th>{cells}</tr>')
    lines.append("</table>")
    return "".join(lines)
