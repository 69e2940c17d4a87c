r"""Six losses on top of softmax: their values and :math:`\partial L/\partial p` at one prediction and along a sweep of :math:`f_z`.

Cross-entropy takes the logits p. Every other loss is applied to
:math:`f = \mathrm{softmax}(p)` against the one-hot target y, and its
gradient is carried back to p through the softmax Jacobian by
:func:`~backprop_viz.losses.gradient_wrt_logits`. Each loss reduces one
example with "mean", so the elementwise losses average over the T classes.
"""
import ipywidgets as widgets
import numpy as np

from backprop_viz.apps.controls import MAX_CLASSES
from backprop_viz.apps.cross_entropy_app import signed_colors
from backprop_viz.losses import LOSSES, gradient_wrt_logits
from backprop_viz.softmax import log_softmax, softmax
from backprop_viz.views import BarChart, CurvePlot, make_figure, nice_ceiling

LESSON_ORDER = ("cross_entropy", "mean_squared_error", "absolute_difference", "huber", "hinge", "cosine_distance")

SHORT_LABELS = {
    "cross_entropy": "cross-entropy",
    "mean_squared_error": "MSE",
    "absolute_difference": "absolute",
    "huber": "Huber",
    "hinge": "hinge",
    "cosine_distance": "cosine",
}

# Paul Tol's "vibrant" colours, which stay distinct under the common
# colour-vision deficiencies, each with its own line style as a second cue.
LOSS_STYLES = {
    "cross_entropy": {"color": "#0077bb", "linestyle": "-"},
    "mean_squared_error": {"color": "#cc3311", "linestyle": "--"},
    "absolute_difference": {"color": "#009988", "linestyle": "-."},
    "huber": {"color": "#ee7733", "linestyle": (0, (6, 2))},
    "hinge": {"color": "#ee3377", "linestyle": ":"},
    "cosine_distance": {"color": "#555555", "linestyle": (0, (3, 1, 1, 1, 1, 1))},
}

# f_z from 1e-4 to 0.9999: 40 points per decade up to 10**-0.025, then three
# points close to 1, where cross-entropy's gradient falls towards 0.
TRUE_PROBABILITIES = np.concatenate([np.logspace(-4, 0, 161)[:-1], [0.99, 0.999, 0.9999]])

# The y range of the gradient sizes. Cross-entropy's |f - y| is at most
# sqrt(2); the squared losses fall far below 1e-6 as f_z -> 1, where only
# their approach to 0 matters.
NORM_LIMITS = (1e-6, 5.0)


def loss_options(name, delta=1.0, label_smoothing=0.0):
    r"""Return the keyword arguments that loss ``name`` takes from the lesson's controls.

    Only Huber takes :math:`\delta` and only cross-entropy takes the label smoothing s.
    """
    if name == "huber":
        return {"delta": delta}
    if name == "cross_entropy":
        return {"label_smoothing": label_smoothing}
    return {}


def losses_on_softmax(logits, target, delta=1.0, label_smoothing=0.0):
    r"""Compute every registered loss and its :math:`\partial L/\partial p`, one example per row.

    Parameters
    ----------
    logits : array_like, shape (T,) or (n, T)
    target : int or array_like of int, shape () or (n,)
        The class index z of each row.
    delta : float, default 1.0
        Huber's :math:`\delta > 0`.
    label_smoothing : float in [0, 1], default 0.0
        Cross-entropy's s.

    Returns
    -------
    values : dict of str to float or ndarray of shape (n,)
        The loss of each row, reduced with "mean" as if the row were alone.
    gradients : dict of str to ndarray, shaped like ``logits``
        :math:`\partial L/\partial p` of each row.

    Raises
    ------
    ValueError
        For invalid logits, targets or options, or when a loss is not finite.
    """
    p = np.asarray(logits, dtype=np.float64)
    rows = np.atleast_2d(p)
    z = np.broadcast_to(np.asarray(target), rows.shape[:1])
    values, gradients = {}, {}

    for name in LESSON_ORDER:
        options = loss_options(name, delta, label_smoothing)
        # Logits near the float64 limit overflow inside softmax. The check
        # below reports that as a ValueError, so numpy's warning would only repeat it.
        with np.errstate(over="ignore", invalid="ignore"):
            per_element, _ = gradient_wrt_logits(name, rows, z, reduction="none", **options)
            _, batch_gradient = gradient_wrt_logits(name, rows, z, reduction="mean", **options)

        # "mean" over n rows divides each row's gradient by n times the count
        # its own mean would divide by, so n times the batch gradient is the
        # gradient of each row's mean.
        row_values = per_element.mean(axis=-1) if per_element.ndim == 2 else per_element
        row_gradients = len(rows) * batch_gradient
        if not (np.all(np.isfinite(row_values)) and np.all(np.isfinite(row_gradients))):
            raise ValueError(f"{LOSSES[name].label} is not finite for logits {rows[0].tolist()}")

        values[name] = row_values if p.ndim == 2 else float(row_values[0])
        gradients[name] = row_gradients if p.ndim == 2 else row_gradients[0]
    return values, gradients


def logits_with_true_probability(logits, target, true_probabilities):
    r"""Move only :math:`p_z` so that :math:`f_z` takes each of ``true_probabilities``.

    With :math:`S = \sum_{j \neq z} e^{p_j}`, :math:`f_z = e^{p_z} / (e^{p_z} + S)`, so

    .. math:: p_z = \log \frac{f_z}{1 - f_z} + \log S.

    Parameters
    ----------
    logits : array_like, shape (T,)
    target : int
    true_probabilities : array_like, shape (n,)
        Values of :math:`f_z` strictly between 0 and 1.

    Returns
    -------
    ndarray of float64, shape (n, T)
    """
    p = np.asarray(logits, dtype=np.float64)
    f_z = np.asarray(true_probabilities, dtype=np.float64)

    others = np.delete(p, target)
    largest = others.max()
    log_sum_others = largest + np.log(np.exp(others - largest).sum())

    rows = np.tile(p, (len(f_z), 1))
    rows[:, target] = np.log(f_z) - np.log1p(-f_z) + log_sum_others
    return rows


def confidence_sweep(logits, target, delta=1.0, label_smoothing=0.0, true_probabilities=TRUE_PROBABILITIES):
    r"""Compute each loss and :math:`\lVert \partial L/\partial p \rVert` as :math:`f_z` sweeps from 1e-4 to 0.9999.

    Only :math:`p_z` moves, so the other classes keep their share of :math:`1 - f_z`.

    Returns
    -------
    values, gradient_norms : dict of str to ndarray, shape (n,)
    """
    rows = logits_with_true_probability(logits, target, true_probabilities)
    values, gradients = losses_on_softmax(rows, target, delta, label_smoothing)

    norms = {name: np.linalg.norm(gradient, axis=-1) for name, gradient in gradients.items()}
    return values, norms


def format_vector(values, digits=3):
    """Write a vector as LaTeX, e.g. ``(0.117, -0.5)``."""
    return "(" + ", ".join(f"{value:.{digits}f}" for value in values) + ")"


class ComparisonPanel:
    r"""The six losses at one prediction: L and :math:`\lVert\partial L/\partial p\rVert` as bars, and :math:`\partial L/\partial p` per loss.

    The six gradient charts share one y scale, so their bar heights compare,
    and each bar has its value written on it.
    """

    def __init__(self):
        self.fig = self._build_figure()
        self.formula = widgets.HTMLMath(layout=widgets.Layout(min_height="14em"))
        self.widget = widgets.VBox([self.fig.canvas, self.formula])

    def _build_figure(self):
        fig, axes = make_figure(10.0, 5.0, 2, 4, gridspec_kw={"width_ratios": [1.7, 1, 1, 1]})
        labels = [SHORT_LABELS[name] for name in LESSON_ORDER]
        colors = [LOSS_STYLES[name]["color"] for name in LESSON_ORDER]

        self.value_view = BarChart(axes[0, 0], len(LESSON_ORDER), "loss $L$", tick_labels=labels,
                                   value_format="{:.3f}", tick_rotation=30)
        self.norm_view = BarChart(axes[1, 0], len(LESSON_ORDER), r"$\Vert \partial L / \partial p \Vert$",
                                  tick_labels=labels, value_format="{:.3f}", tick_rotation=30)
        for view in (self.value_view, self.norm_view):
            for bar, color in zip(view.bars, colors):
                bar.set_facecolor(color)

        self.logit_labels = [f"$p_{{{index + 1}}}$" for index in range(MAX_CLASSES)]
        gradient_axes = axes[:, 1:].ravel()
        self.gradient_views = {
            name: BarChart(ax, MAX_CLASSES, rf"{SHORT_LABELS[name]}: $\partial L/\partial p$",
                           tick_labels=self.logit_labels, value_format="{:.3f}")
            for name, ax in zip(LESSON_ORDER, gradient_axes)
        }
        return fig

    def update(self, logits, target, values, gradients, delta, label_smoothing):
        """Redraw the bars and rewrite the formulas for ``logits`` and class ``target``.

        Above six classes the bars are labelled 1 to T instead of :math:`p_1` to :math:`p_T`.
        """
        norms = [np.linalg.norm(gradients[name]) for name in LESSON_ORDER]
        self.value_view.update([values[name] for name in LESSON_ORDER])
        self.norm_view.update(norms)

        # Above six bars the values are written vertically, so they need more headroom.
        class_count = len(logits)
        crowded = class_count > 6
        largest = max(float(np.abs(gradient).max()) for gradient in gradients.values())
        headroom = 1.7 if crowded else 1.3
        limit = nice_ceiling(headroom * largest) if largest > 0 else 1.0
        tick_labels = [str(index + 1) for index in range(class_count)] if crowded else self.logit_labels
        for name, view in self.gradient_views.items():
            view.ylim = (-limit, limit)
            view.tick_labels = tick_labels
            view.update(gradients[name], colors=signed_colors(gradients[name]))

        self.formula.value = comparison_formulas(logits, target, values, gradients, delta, label_smoothing)


def comparison_formulas(logits, target, values, gradients, delta, label_smoothing):
    r"""Write each loss's formula on :math:`f` with its value and gradient size, as HTML with LaTeX."""
    f = softmax(logits)
    log_f_z = float(log_softmax(logits)[target])
    T = len(f)
    smoothing = rf"\tilde y = (1 - s)\,y + s/T,\ s = {label_smoothing:.2f}" if label_smoothing else r"\tilde y = y"
    formulas = {
        "cross_entropy": rf"$-\sum_i \tilde y_i \log f_i$ from the logits, ${smoothing}$",
        "mean_squared_error": r"$\frac{1}{T} \sum_i (f_i - y_i)^2$",
        "absolute_difference": r"$\frac{1}{T} \sum_i |f_i - y_i|$",
        "huber": rf"$\frac{{1}}{{T}} \sum_i h_\delta(f_i - y_i)$, $\delta = {delta:.2f}$",
        "hinge": r"$\frac{1}{T} \sum_i \max(0,\, 1 - t_i f_i)$, $t = 2y - 1$",
        "cosine_distance": r"$1 - \frac{f \cdot y}{\lVert f \rVert\, \lVert y \rVert} = 1 - \frac{f_z}{\lVert f \rVert}$",
    }
    rows = "".join(
        f"<tr><td>{SHORT_LABELS[name]}</td><td>{formulas[name]}</td>"
        f"<td>{values[name]:.4f}</td><td>{np.linalg.norm(gradients[name]):.3g}</td></tr>"
        for name in LESSON_ORDER
    )
    prediction_line = (rf"$f = \mathrm{{softmax}}(p) = {format_vector(f)}$, target class {target + 1}, "
                       rf"$f_z = {f[target]:.4g}$, $T = {T}$.")
    gradient = format_vector(gradients["cross_entropy"])
    if label_smoothing:
        cross_entropy_line = (
            rf"Cross-entropy with $s = {label_smoothing:.2f}$: "
            rf"$L = -\sum_i \tilde y_i \log f_i = {values['cross_entropy']:.4f}$ "
            rf"($-\log f_z = {-log_f_z:.4f}$ without smoothing), and $\partial L / \partial p = f - \tilde y = {gradient}$."
        )
    else:
        cross_entropy_line = (
            rf"Cross-entropy: $L = -\log f_z = -\log {f[target]:.4g} = {-log_f_z:.4f}$, "
            rf"and $\partial L / \partial p = f - y = {gradient}$."
        )
    return (
        f"{prediction_line}<br>{cross_entropy_line}"
        '<table style="border-collapse:separate;border-spacing:12px 2px">'
        r"<tr><th>loss</th><th>$L$ on $f = \mathrm{softmax}(p)$</th><th>value</th><th>$\lVert \partial L/\partial p \rVert$</th></tr>"
        f"{rows}</table>"
    )


class ConfidencePanel:
    r"""L and :math:`\lVert\partial L/\partial p\rVert` of each loss as :math:`f_z` sweeps from 1e-4 to 0.9999.

    Markers show the current prediction, whose :math:`f_z` lies on the sweep
    because the sweep moves only :math:`p_z`.

    Attributes
    ----------
    values, gradient_norms : dict of str to ndarray, shape (len(TRUE_PROBABILITIES),)
        The swept L and :math:`\lVert\partial L/\partial p\rVert` per loss name.
    summary : ipywidgets.HTMLMath
        Cross-entropy's gradient size against MSE's, now and at :math:`f_z = 10^{-3}`.
    """

    def __init__(self):
        self.fig, (value_ax, norm_ax) = make_figure(10.0, 4.2, 1, 2)
        styles = {name: {**LOSS_STYLES[name], "label": SHORT_LABELS[name]} for name in LESSON_ORDER}
        # On probabilities every hinge margin t_i f_i is below 1, so hinge is
        # the absolute difference plus (T - 1)/T and has the same gradient.
        norm_styles = {**styles, "hinge": {**styles["hinge"], "label": "hinge (same as absolute)"}}
        self.value_view = CurvePlot(value_ax, styles, title="loss $L$ as $p_z$ moves", xscale="log",
                                    xlabel="probability of the true class $f_z$", ylabel="$L$",
                                    legend_loc="upper right")
        self.norm_view = CurvePlot(norm_ax, norm_styles, title=r"gradient size $\Vert \partial L/\partial p \Vert$",
                                   xscale="log", yscale="log", xlabel="probability of the true class $f_z$",
                                   ylabel=r"$\Vert \partial L/\partial p \Vert$", ylim=NORM_LIMITS,
                                   legend_loc="lower center")
        self.summary = widgets.HTMLMath(layout=widgets.Layout(min_height="3em"))
        self.widget = widgets.VBox([self.fig.canvas, self.summary])

    def update(self, logits, target, sweep, current_values, current_gradients):
        """Draw ``sweep``, the output of :func:`confidence_sweep` around ``logits``, and mark the current prediction."""
        self.values, self.gradient_norms = sweep
        f_z = float(softmax(logits)[target])
        current_norms = {name: float(np.linalg.norm(gradient)) for name, gradient in current_gradients.items()}

        self.value_view.update(TRUE_PROBABILITIES, self.values)
        self.norm_view.update(TRUE_PROBABILITIES, self.gradient_norms)
        self.value_view.mark({name: (f_z, value) for name, value in current_values.items()})
        self.norm_view.mark({name: (f_z, norm) for name, norm in current_norms.items()})

        self.summary.value = confidence_summary(f_z, current_norms, self.norms_at(1e-3))

    def norms_at(self, true_probability):
        r"""Return each loss's :math:`\lVert\partial L/\partial p\rVert` at the swept :math:`f_z` nearest to ``true_probability``."""
        index = int(np.argmin(np.abs(np.log(TRUE_PROBABILITIES / true_probability))))
        return {name: float(norms[index]) for name, norms in self.gradient_norms.items()}


def confidence_summary(f_z, current_norms, norms_at_one_in_a_thousand):
    r"""Compare the gradient sizes of cross-entropy and MSE now and at :math:`f_z = 10^{-3}`, as HTML with LaTeX."""
    def compare(norms):
        entropy, mse = norms["cross_entropy"], norms["mean_squared_error"]
        ratio = f"{entropy / mse:.3g}" if mse > 0 else r"\infty"
        return rf"${entropy:.3g}$ for cross-entropy and ${mse:.3g}$ for MSE, a ratio of ${ratio}$"

    outside = " (left of the plotted range)" if f_z < TRUE_PROBABILITIES[0] else ""
    return (
        rf"$\lVert \partial L/\partial p \rVert$ now, at $f_z = {f_z:.4g}${outside}: {compare(current_norms)}.<br>"
        rf"At $f_z = 10^{{-3}}$: {compare(norms_at_one_in_a_thousand)}."
    )
