r"""Each loss and its derivative as a curve over one varied quantity.

- Regression losses over the error :math:`e = p - y` of one output.
- Hinge and two-class cross-entropy over the margin :math:`m`, the score of
  the true class minus that of the other.
- Cosine distance over the angle :math:`\theta` between p and y in the plane.

Every curve comes from the loss functions in :mod:`backprop_viz.losses`
with ``reduction="none"``, so what is drawn is what the package computes.
"""
import ipywidgets as widgets
import numpy as np

from backprop_viz.apps.loss_comparison import LOSS_STYLES, SHORT_LABELS
from backprop_viz.losses import (
    absolute_difference,
    absolute_difference_grad,
    cosine_distance,
    cosine_distance_grad,
    cross_entropy,
    cross_entropy_grad,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    mean_squared_error,
    mean_squared_error_grad,
)
from backprop_viz.views import CurvePlot, break_at_jumps, make_figure

CURVE_LIMIT = 3.0
CURVE_POINTS = 601  # an odd count puts a point exactly at 0
ERRORS = np.linspace(-CURVE_LIMIT, CURVE_LIMIT, CURVE_POINTS)
MARGINS = np.linspace(-CURVE_LIMIT, CURVE_LIMIT, CURVE_POINTS)
ANGLES = np.linspace(-np.pi, np.pi, CURVE_POINTS)

# A step in a derivative (sign(e) at 0, hinge at m = 1) is drawn as a gap
# rather than a steep line. The smooth derivatives change by at most 0.02
# (2e, over steps of 0.01) between neighbouring points of these grids.
MAX_SMOOTH_STEP = 0.5

REGRESSION = ("mean_squared_error", "absolute_difference", "huber")
MARGIN = ("hinge", "cross_entropy")
ANGLE = ("cosine_distance",)


def regression_curves(errors, delta):
    r"""Compute the regression losses and their derivatives over the errors :math:`e = p - y`.

    Parameters
    ----------
    errors : array_like, shape (n,)
    delta : float
        Huber's :math:`\delta > 0`.

    Returns
    -------
    dict of str to (ndarray, ndarray), each of shape (n,)
        :math:`\ell(e)` and :math:`d\ell/de` per loss name.
    """
    e = np.asarray(errors, dtype=np.float64)
    zero = np.zeros_like(e)

    return {
        "mean_squared_error": (mean_squared_error(e, zero, reduction="none"),
                               mean_squared_error_grad(e, zero, reduction="none")),
        "absolute_difference": (absolute_difference(e, zero, reduction="none"),
                                absolute_difference_grad(e, zero, reduction="none")),
        "huber": (huber(e, zero, delta=delta, reduction="none"),
                  huber_grad(e, zero, delta=delta, reduction="none")),
    }


def margin_curves(margins):
    r"""Compute hinge and two-class cross-entropy and their derivatives over the margins m.

    For hinge, :math:`m = t p` with the label mapped to :math:`t \in \{-1, +1\}`,
    and :math:`\ell = \max(0, 1 - m)`. For cross-entropy with two classes,
    :math:`m = p_z - p_{\text{other}}` and :math:`\ell = \log(1 + e^{-m})`,
    whose derivative is :math:`-(1 - f_z)`.

    Returns
    -------
    dict of str to (ndarray, ndarray), each of shape (n,)
        :math:`\ell(m)` and :math:`d\ell/dm` per loss name.
    """
    m = np.asarray(margins, dtype=np.float64)
    positive = np.ones_like(m)

    two_class_logits = np.stack([m, np.zeros_like(m)], axis=-1)
    true_class = np.zeros(len(m), dtype=np.int64)

    return {
        "hinge": (hinge(m, positive, reduction="none"), hinge_grad(m, positive, reduction="none")),
        "cross_entropy": (cross_entropy(two_class_logits, true_class, reduction="none"),
                          cross_entropy_grad(two_class_logits, true_class, reduction="none")[:, 0]),
    }


def angle_curves(angles):
    r"""Compute the cosine distance and its derivative over the angle :math:`\theta` between p and y.

    With :math:`y = (1, 0)` and :math:`p = (\cos\theta, \sin\theta)`,
    :math:`\ell = 1 - \cos\theta`, and the chain rule gives
    :math:`d\ell/d\theta = \nabla_p \ell \cdot (-\sin\theta, \cos\theta) = \sin\theta`.

    Returns
    -------
    dict of str to (ndarray, ndarray), each of shape (n,)
    """
    theta = np.asarray(angles, dtype=np.float64)
    p = np.stack([np.cos(theta), np.sin(theta)], axis=-1)
    y = np.tile([1.0, 0.0], (len(theta), 1))

    gradient = cosine_distance_grad(p, y, reduction="none")
    tangent = np.stack([-np.sin(theta), np.cos(theta)], axis=-1)
    return {"cosine_distance": (cosine_distance(p, y, reduction="none"), (gradient * tangent).sum(axis=-1))}


def curve_styles(names, labels):
    """Return the plot style of each loss, labelled with ``labels[name]``."""
    return {name: {**LOSS_STYLES[name], "label": labels[name]} for name in names}


class CurvesPanel:
    r"""Three columns of curves, loss above and derivative below, with sliders for e, m and :math:`\theta`.

    Moving a slider only moves the markers. A new :math:`\delta` redraws the
    regression column alone.

    Attributes
    ----------
    points : dict of str to (float, float, float)
        Per loss name, the marked position (e, m or :math:`\theta`), the loss
        and its derivative there.
    formula : ipywidgets.HTMLMath
        Every formula at the marked positions, with the numbers substituted.
    """

    def __init__(self, delta=1.0):
        self.delta = delta
        self._build_sliders()
        self._build_figure()
        self.formula = widgets.HTMLMath(layout=widgets.Layout(min_height="9em"))

        sliders = widgets.HBox([self.error_slider, self.margin_slider, self.angle_slider])
        self.widget = widgets.VBox([sliders, self.fig.canvas, self.formula])

        self._draw_curves()
        self.mark()

    def _build_sliders(self):
        layout = widgets.Layout(width="300px")
        self.error_slider = widgets.FloatSlider(value=0.8, min=-CURVE_LIMIT, max=CURVE_LIMIT, step=0.05,
                                                description="$e$", readout_format=".2f", layout=layout)
        self.margin_slider = widgets.FloatSlider(value=0.5, min=-CURVE_LIMIT, max=CURVE_LIMIT, step=0.05,
                                                 description="$m$", readout_format=".2f", layout=layout)
        self.angle_slider = widgets.FloatSlider(value=1.0, min=-np.pi, max=np.pi, step=0.01,
                                                description=r"$\theta$", readout_format=".2f", layout=layout)
        for slider in (self.error_slider, self.margin_slider, self.angle_slider):
            slider.observe(lambda change: self.mark(), names="value")

    def _build_figure(self):
        self.fig, axes = make_figure(10.0, 5.6, 2, 3)
        loss_labels = {
            "mean_squared_error": "MSE $e^2$",
            "absolute_difference": "absolute $|e|$",
            "huber": r"Huber $h_\delta(e)$",
            "hinge": r"hinge $\max(0, 1 - m)$",
            "cross_entropy": r"cross-entropy $\log(1 + e^{-m})$",
            "cosine_distance": r"cosine $1 - \cos\theta$",
        }
        derivative_labels = {
            "mean_squared_error": "$2e$",
            "absolute_difference": r"$\mathrm{sign}(e)$",
            "huber": r"$\mathrm{clip}(e, -\delta, \delta)$",
            "hinge": r"$-1$ if $m < 1$, else 0",
            "cross_entropy": "$-(1 - f_z)$",
            "cosine_distance": r"$\sin\theta$",
        }
        columns = (
            (REGRESSION, "error $e = p - y$", "regression: one output"),
            (MARGIN, "margin $m$", "classification: margin"),
            (ANGLE, r"angle $\theta$ between $p$ and $y$", "direction: angle"),
        )

        guides = ((2, r"$\pm\delta$"), (1, "margin $m = 1$"), (0, ""))
        derivative_legends = ("lower right", "upper left", "lower right")

        self.loss_views, self.derivative_views = [], []
        for column, (names, xlabel, title) in enumerate(columns):
            count, label = guides[column]
            self.loss_views.append(CurvePlot(axes[0, column], curve_styles(names, loss_labels), title=title,
                                             ylabel="loss" if column == 0 else "", guides=count, guide_label=label,
                                             value_format="{:.3f}", legend_loc="upper center"))
            self.derivative_views.append(CurvePlot(axes[1, column], curve_styles(names, derivative_labels),
                                                   xlabel=xlabel, ylabel="derivative" if column == 0 else "",
                                                   guides=count, value_format="{:.3f}",
                                                   legend_loc=derivative_legends[column]))
        for view in (self.loss_views[2], self.derivative_views[2]):
            view.ax.set_xticks(np.pi * np.array([-1, -0.5, 0, 0.5, 1]),
                               [r"$-\pi$", r"$-\pi/2$", "0", r"$\pi/2$", r"$\pi$"])

    def set_delta(self, delta):
        r"""Use Huber's :math:`\delta`: redraw the regression column and the markers."""
        self.delta = delta
        self._draw_curves(columns=(0,))
        self.mark()

    def _column_curves(self, column):
        """Return the grid and the curves of one column of the figure."""
        if column == 0:
            return ERRORS, regression_curves(ERRORS, self.delta)
        if column == 1:
            return MARGINS, margin_curves(MARGINS)
        return ANGLES, angle_curves(ANGLES)

    def _draw_curves(self, columns=(0, 1, 2)):
        for column in columns:
            grid, curves = self._column_curves(column)
            losses = {name: loss for name, (loss, _) in curves.items()}
            derivatives = {name: break_at_jumps(grid, derivative, MAX_SMOOTH_STEP)
                           for name, (_, derivative) in curves.items()}

            guides = ((-self.delta, self.delta), (1.0,), ())[column]
            self.loss_views[column].update(grid, losses, guides=guides)
            self.derivative_views[column].update(grid, derivatives, guides=guides)

    def mark(self):
        """Move the markers to the sliders' e, m and theta, and rewrite the formulas."""
        e, m, theta = self.error_slider.value, self.margin_slider.value, self.angle_slider.value
        positions = {**dict.fromkeys(REGRESSION, e), **dict.fromkeys(MARGIN, m), **dict.fromkeys(ANGLE, theta)}
        curves = {**regression_curves([e], self.delta), **margin_curves([m]), **angle_curves([theta])}
        self.points = {name: (positions[name], float(value[0]), float(slope[0]))
                       for name, (value, slope) in curves.items()}

        for column, names in enumerate((REGRESSION, MARGIN, ANGLE)):
            self.loss_views[column].mark({name: self.points[name][:2] for name in names})
            self.derivative_views[column].mark({name: self.points[name][::2] for name in names})

        self.formula.value = curve_formulas(e, m, theta, self.delta, self.points)
        self.fig.refresh()


def huber_formula(e, delta, value, slope):
    r"""Write Huber's branch at error ``e`` with the numbers substituted, as LaTeX."""
    if abs(e) <= delta:
        return (rf"$|e| = {abs(e):.2f} \le \delta = {delta:.2f}$, so "
                rf"$h_\delta(e) = \tfrac12 e^2 = \tfrac12 ({e:.2f})^2 = {value:.4f}$ and $h_\delta'(e) = e = {slope:.4f}$")
    return (rf"$|e| = {abs(e):.2f} > \delta = {delta:.2f}$, so "
            rf"$h_\delta(e) = \delta\,(|e| - \tfrac12 \delta) = {delta:.2f}\,({abs(e):.2f} - {delta / 2:.3f}) = {value:.4f}$ "
            rf"and $h_\delta'(e) = \delta\,\mathrm{{sign}}(e) = {slope:.4f}$")


def curve_formulas(e, m, theta, delta, points):
    r"""Write every curve's formula at the marked e, m and :math:`\theta` with the numbers substituted, as HTML with LaTeX."""
    hinge_value, hinge_slope = points["hinge"][1:]
    entropy_value, entropy_slope = points["cross_entropy"][1:]
    cosine_value, cosine_slope = points["cosine_distance"][1:]
    absolute_note = " (the subgradient chosen at the kink)" if e == 0 else ""
    hinge_note = " (the subgradient chosen at the margin)" if m == 1 else ""

    lines = [
        rf"<b>{SHORT_LABELS['mean_squared_error']}</b>: $e^2 = ({e:.2f})^2 = {points['mean_squared_error'][1]:.4f}$, "
        rf"$2e = {points['mean_squared_error'][2]:.4f}$",
        rf"<b>{SHORT_LABELS['absolute_difference']}</b>: $|e| = {points['absolute_difference'][1]:.4f}$, "
        rf"$\mathrm{{sign}}(e) = {points['absolute_difference'][2]:.0f}${absolute_note}",
        rf"<b>Huber</b>: {huber_formula(e, delta, *points['huber'][1:])}",
        rf"<b>hinge</b>: $\max(0, 1 - m) = \max(0, 1 - ({m:.2f})) = {hinge_value:.4f}$, slope ${hinge_slope:.0f}${hinge_note}",
        rf"<b>cross-entropy</b>, 2 classes: $\log(1 + e^{{-m}}) = \log(1 + e^{{{-m:.2f}}}) = {entropy_value:.4f}$, "
        rf"$-(1 - f_z) = {entropy_slope:.4f}$ with $f_z = \sigma(m) = {1 + entropy_slope:.4f}$",
        rf"<b>cosine</b>: $1 - \cos\theta = 1 - \cos({theta:.2f}) = {cosine_value:.4f}$, "
        rf"$\sin\theta = {cosine_slope:.4f}$",
    ]
    return "<br>".join(lines)
