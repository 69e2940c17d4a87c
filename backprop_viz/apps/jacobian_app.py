"""The softmax Jacobian lesson: an annotated heatmap that follows the logits."""
import ipywidgets as widgets
import numpy as np

from backprop_viz.apps.controls import MAX_CLASSES, LogitControls, value_table
from backprop_viz.gradcheck import numerical_gradient, relative_error
from backprop_viz.softmax import softmax, softmax_jacobian
from backprop_viz.views import BarChart, Heatmap, make_figure


CHECK_STEP = 1e-6


def numerical_jacobian(logits, temperature=1.0):
    r"""Build :math:`\partial f_i / \partial p_j` column by column from central differences.

    Returns
    -------
    ndarray, shape (T, T)
    """
    rows = [numerical_gradient(lambda p, i=i: softmax(p, temperature=temperature)[i], logits, step=CHECK_STEP)
            for i in range(len(logits))]
    return np.array(rows)


class JacobianApp:
    r"""Logit sliders, the probabilities, and :math:`J_{ij} = f_i(\delta_{ij} - f_j)` as a heatmap.

    Below the heatmap, the row and column sums (always 0) and the relative
    error against a finite-difference Jacobian are written out.

    Parameters
    ----------
    logits : sequence of float, default (1, 2, 3, 0.5)
    """

    def __init__(self, logits=(1.0, 2.0, 3.0, 0.5)):
        self.logit_controls = LogitControls(logits, self.update)
        self.check_label = widgets.HTMLMath(layout=widgets.Layout(min_height="3em"))
        self.table = widgets.HTML()
        self.table.add_class("bv-jacobian-table")

        self.fig, (bars_ax, jacobian_ax) = make_figure(8.6, 4.0, 1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        labels = [f"$f_{{{index + 1}}}$" for index in range(MAX_CLASSES)]
        self.probability_view = BarChart(bars_ax, MAX_CLASSES, "probabilities $f$", ylim=(0, 1.12),
                                         color="#4477aa", tick_labels=labels, value_format="{:.2f}")
        self.jacobian_view = Heatmap(jacobian_ax, (MAX_CLASSES, MAX_CLASSES), diverging=True,
                                     title=r"$J_{ij} = \partial f_i / \partial p_j$", value_format="{:.3f}",
                                     xlabel="$j$ (logit $p_j$)", ylabel="$i$ (probability $f_i$)")

        figure_column = widgets.VBox([self.fig.canvas, self.check_label, self.table])
        self.widget = widgets.HBox([self.logit_controls.widget, figure_column])
        self.widget.add_class("bv-jacobian-app")
        self.update()

    @property
    def logits(self):
        """p, shape (T,)."""
        return self.logit_controls.logits

    def set_logits(self, text):
        """Type a list of logits into the text box."""
        self.logit_controls.set_text(text)

    def _check_text(self):
        # Central differences step every logit by CHECK_STEP, which float64 cannot add to a logit above
        # about 2e10 (its spacing there is over twice the step), so the check would compare J with noise.
        largest = float(np.abs(self.logits).max())
        if largest + CHECK_STEP == largest or largest - CHECK_STEP == largest:
            return (f"Finite-difference check: not possible at |p| = {largest:.1e}, where a step of "
                    f"{CHECK_STEP:g} is lost in float64's rounding")
        return f"Finite-difference check: relative error {self.check_error:.1e}"

    def update(self):
        """Recompute f and J from the logits, check J numerically, and redraw."""
        self.probabilities = softmax(self.logits)
        self.jacobian = softmax_jacobian(self.logits)
        self.check_error = relative_error(self.jacobian, numerical_jacobian(self.logits))

        count = len(self.logits)
        self.probability_view.update(self.probabilities)
        self.jacobian_view.update(self.jacobian, tick_labels=[str(index + 1) for index in range(count)])
        self.check_label.value = (
            f"Largest row sum: {np.abs(self.jacobian.sum(axis=1)).max():.1e}, "
            f"largest column sum: {np.abs(self.jacobian.sum(axis=0)).max():.1e}<br>"
            f"{self._check_text()}")
        self.table.value = value_table({"logits p": self.logits, "probabilities f": self.probabilities})
        self.fig.refresh()
