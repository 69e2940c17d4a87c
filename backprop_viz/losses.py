r"""Six losses with their gradients, for a batch, and a registry of them.

Notation: predictions or logits :math:`p`, labels :math:`y`, error
:math:`e = p - y`, probabilities :math:`f = \mathrm{softmax}(p)`, weights :math:`w`.

Every loss first computes a per-element loss :math:`\ell_k` (per example for
:func:`cross_entropy` and :func:`cosine_distance`), multiplies it by the weights
broadcast to its shape, then reduces it as TensorFlow 1's ``tf.losses`` does with
``Reduction.SUM_BY_NONZERO_WEIGHTS``:

.. math::

    \text{none: } w_k \ell_k, \qquad
    \text{sum: } \sum_k w_k \ell_k, \qquad
    \text{mean: } \frac{\sum_k w_k \ell_k}{\#\{k : w_k \neq 0\}}

and "mean" returns 0 when every weight is 0. PyTorch's ``reduction="mean"``
divides by the number of elements instead. In PyTorch 2.13, ``l1_loss`` and
``mse_loss`` given a ``weight`` divide by the sum of the weights, and
``huber_loss`` still divides by the number of elements. Keras' elementwise
losses, such as ``MeanSquaredError``, first average over the last axis, and its
default reduction "sum_over_batch_size" divides by the number of those
per-sample losses, zero-weighted ones included.

Each ``*_grad`` function returns the gradient of the reduced loss with respect to
its first argument, shaped like it. For ``reduction="none"`` it is the gradient
of the sum of the returned array.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

from backprop_viz._validation import as_float_array, check_axis, check_positive, check_reduction
from backprop_viz.softmax import log_softmax, softmax, softmax_vjp

# Rows of probability targets may miss a sum of 1 by this much.
PROBABILITY_SUM_TOLERANCE = 1e-6


# ---------------------------------------------------------------------------
# Shared checks, weights and reductions
# ---------------------------------------------------------------------------

def _check_pair(predictions, labels, predictions_name="predictions", min_ndim=0):
    """Convert both arrays to float64 and raise unless their shapes match."""
    p = as_float_array(predictions, predictions_name, min_ndim=min_ndim)
    y = as_float_array(labels, "labels", min_ndim=min_ndim)
    if y.shape != p.shape:
        raise ValueError(f"labels must have the shape of {predictions_name} {p.shape}, got {y.shape}")
    return p, y


def _broadcast_weights(weights, loss_shape):
    r"""Return the weights broadcast to ``loss_shape``, with ``None`` meaning 1 everywhere."""
    if weights is None:
        return np.ones(loss_shape)

    w = as_float_array(weights, "weights", min_ndim=0)
    try:
        return np.broadcast_to(w, loss_shape)
    except ValueError as error:
        raise ValueError(
            f"weights must broadcast to the per-element loss shape {loss_shape}, got shape {w.shape}"
        ) from error


def _reduce(losses, weights, reduction):
    r"""Weight the per-element losses and reduce them.

    Returns an ndarray shaped like ``losses`` for "none", a float otherwise.
    """
    reduction = check_reduction(reduction)
    w = _broadcast_weights(weights, losses.shape)

    weighted = losses * w
    if reduction == "none":
        return weighted

    total = float(weighted.sum())
    if reduction == "sum":
        return total

    nonzero = int(np.count_nonzero(w))
    return total / nonzero if nonzero else 0.0


def _reduction_scale(weights, loss_shape, reduction):
    r"""Return :math:`\partial L / \partial \ell_k`, the factor each per-element gradient gets.

    It is :math:`w_k` for "none" and "sum", and :math:`w_k / \#\{w \neq 0\}` for
    "mean" (zeros when every weight is 0).
    """
    reduction = check_reduction(reduction)
    w = _broadcast_weights(weights, loss_shape)

    if reduction != "mean":
        return w

    nonzero = np.count_nonzero(w)
    return w / nonzero if nonzero else np.zeros(loss_shape)


# ---------------------------------------------------------------------------
# Absolute difference
# ---------------------------------------------------------------------------

def absolute_difference(predictions, labels, weights=None, reduction="mean"):
    r"""Compute the absolute difference (L1) loss.

    Parameters
    ----------
    predictions : array_like, shape (...)
    labels : array_like, same shape as ``predictions``
    weights : array_like, optional
        Broadcast to the shape of ``predictions``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of float64 shaped like ``predictions`` for "none"

    Notes
    -----
    .. math:: \ell_k = |e_k|, \qquad e = p - y

    ``torch.nn.functional.l1_loss`` computes the same per-element loss.
    """
    p, y = _check_pair(predictions, labels)
    return _reduce(np.abs(p - y), weights, reduction)


def absolute_difference_grad(predictions, labels, weights=None, reduction="mean"):
    r"""Compute the gradient of :func:`absolute_difference` with respect to ``predictions``.

    Returns
    -------
    ndarray of float64, same shape as ``predictions``

    Notes
    -----
    .. math:: \frac{\partial \ell_k}{\partial p_k} = \operatorname{sign}(e_k)

    At :math:`e_k = 0` the loss has a kink with subgradients :math:`[-1, 1]`, and
    this function returns 0 there, as ``np.sign`` does.
    """
    p, y = _check_pair(predictions, labels)
    e = p - y

    return np.sign(e) * _reduction_scale(weights, e.shape, reduction)


# ---------------------------------------------------------------------------
# Mean squared error
# ---------------------------------------------------------------------------

def mean_squared_error(predictions, labels, weights=None, reduction="mean"):
    r"""Compute the squared error loss, averaged by default.

    Parameters
    ----------
    predictions : array_like, shape (...)
    labels : array_like, same shape as ``predictions``
    weights : array_like, optional
        Broadcast to the shape of ``predictions``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of float64 shaped like ``predictions`` for "none"

    Notes
    -----
    .. math:: \ell_k = e_k^2, \qquad e = p - y

    The per-element loss has no factor 1/2, as in TensorFlow 1's
    ``tf.losses.mean_squared_error`` and ``torch.nn.functional.mse_loss``.
    """
    p, y = _check_pair(predictions, labels)
    return _reduce((p - y) ** 2, weights, reduction)


def mean_squared_error_grad(predictions, labels, weights=None, reduction="mean"):
    r"""Compute the gradient of :func:`mean_squared_error` with respect to ``predictions``.

    Returns
    -------
    ndarray of float64, same shape as ``predictions``

    Notes
    -----
    .. math:: \frac{\partial \ell_k}{\partial p_k} = 2 e_k
    """
    p, y = _check_pair(predictions, labels)
    e = p - y

    return 2 * e * _reduction_scale(weights, e.shape, reduction)


# ---------------------------------------------------------------------------
# Huber
# ---------------------------------------------------------------------------

def huber(predictions, labels, delta=1.0, weights=None, reduction="mean"):
    r"""Compute the Huber loss: quadratic for small errors, linear for large ones.

    Parameters
    ----------
    predictions : array_like, shape (...)
    labels : array_like, same shape as ``predictions``
    delta : float, default 1.0
        :math:`\delta > 0`, the error at which the loss turns from quadratic to linear.
    weights : array_like, optional
        Broadcast to the shape of ``predictions``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of float64 shaped like ``predictions`` for "none"

    Notes
    -----
    .. math::

        \ell_k = \begin{cases}
            \tfrac12 e_k^2 & |e_k| \le \delta \\
            \delta \left(|e_k| - \tfrac12 \delta\right) & |e_k| > \delta
        \end{cases}, \qquad e = p - y

    ``torch.nn.functional.huber_loss`` computes the same per-element loss, and
    TensorFlow 1 and Keras also default to :math:`\delta = 1`. PyTorch's
    ``smooth_l1_loss`` with ``beta`` equals this loss divided by :math:`\beta`.
    """
    p, y = _check_pair(predictions, labels)
    delta = check_positive(delta, "delta")
    e = p - y

    magnitude = np.abs(e)
    losses = np.where(magnitude <= delta, 0.5 * e**2, delta * (magnitude - 0.5 * delta))
    return _reduce(losses, weights, reduction)


def huber_grad(predictions, labels, delta=1.0, weights=None, reduction="mean"):
    r"""Compute the gradient of :func:`huber` with respect to ``predictions``.

    Returns
    -------
    ndarray of float64, same shape as ``predictions``

    Notes
    -----
    .. math:: \frac{\partial \ell_k}{\partial p_k} = \operatorname{clip}(e_k, -\delta, \delta)

    Both branches give :math:`\pm\delta` at :math:`|e_k| = \delta`, so the loss is
    differentiable there and the gradient is exactly :math:`\pm\delta`.
    """
    p, y = _check_pair(predictions, labels)
    delta = check_positive(delta, "delta")
    e = p - y

    return np.clip(e, -delta, delta) * _reduction_scale(weights, e.shape, reduction)


# ---------------------------------------------------------------------------
# Hinge
# ---------------------------------------------------------------------------

def _signed_labels(labels):
    r"""Convert labels to :math:`t \in \{-1, +1\}`, or raise unless all are in {0, 1} or all in {-1, 1}."""
    values = np.unique(labels)
    if np.all(np.isin(values, (0.0, 1.0))):
        return 2 * labels - 1
    if np.all(np.isin(values, (-1.0, 1.0))):
        return labels

    invalid = values[~np.isin(values, (-1.0, 0.0, 1.0))]
    received = f"values {invalid[:10].tolist()}" if invalid.size else "a mix of 0 and -1"
    raise ValueError(f"hinge labels must all be in {{0, 1}} or all in {{-1, 1}}, got {received}")


def hinge(logits, labels, weights=None, reduction="mean"):
    r"""Compute the binary hinge loss of raw scores.

    Parameters
    ----------
    logits : array_like, shape (...)
        Raw scores, one per binary decision.
    labels : array_like, same shape as ``logits``
        All in {0, 1}, or all in {-1, 1}.
    weights : array_like, optional
        Broadcast to the shape of ``logits``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of float64 shaped like ``logits`` for "none"

    Notes
    -----
    .. math:: \ell_k = \max(0, 1 - t_k p_k), \qquad t = 2y - 1 \text{ for } y \in \{0, 1\}

    Labels in {-1, 1} are used as :math:`t` directly. TensorFlow 1's
    ``tf.losses.hinge_loss`` takes {0, 1} labels only. PyTorch has no loss of
    this form: ``HingeEmbeddingLoss`` is :math:`p` for :math:`y = 1` and
    :math:`\max(0, \text{margin} - p)` for :math:`y = -1`, and ``MultiMarginLoss``
    is the multi-class margin loss.
    """
    p, y = _check_pair(logits, labels, predictions_name="logits")
    t = _signed_labels(y)

    return _reduce(np.maximum(0.0, 1 - t * p), weights, reduction)


def hinge_grad(logits, labels, weights=None, reduction="mean"):
    r"""Compute the gradient of :func:`hinge` with respect to ``logits``.

    Returns
    -------
    ndarray of float64, same shape as ``logits``

    Notes
    -----
    .. math:: \frac{\partial \ell_k}{\partial p_k} = \begin{cases}
                  -t_k & t_k p_k < 1 \\
                  0 & t_k p_k \ge 1
              \end{cases}

    At the margin :math:`t_k p_k = 1` the subgradients form the interval
    between :math:`-t_k` and 0, and this function returns 0, as TensorFlow does
    because the gradient of its ``relu`` at 0 is 0.
    """
    p, y = _check_pair(logits, labels, predictions_name="logits")
    t = _signed_labels(y)

    inside_margin = t * p < 1
    return np.where(inside_margin, -t, 0.0) * _reduction_scale(weights, p.shape, reduction)


# ---------------------------------------------------------------------------
# Cosine distance
# ---------------------------------------------------------------------------

def _unit_vectors(x, axis):
    r"""Return :math:`x / \lVert x \rVert` and :math:`\lVert x \rVert` along ``axis`` (kept as size 1).

    Zero vectors give a zero unit vector and a zero norm. Dividing by the
    largest magnitude first keeps the squares from overflowing or underflowing.
    """
    largest = np.max(np.abs(x), axis=axis, keepdims=True)
    scaled = x / np.where(largest > 0, largest, 1.0)

    scaled_norm = np.sqrt((scaled**2).sum(axis=axis, keepdims=True))
    unit = scaled / np.where(scaled_norm > 0, scaled_norm, 1.0)
    return unit, largest * scaled_norm


def cosine_distance(predictions, labels, axis=-1, weights=None, reduction="mean"):
    r"""Compute one minus the cosine similarity of vectors along ``axis``.

    Parameters
    ----------
    predictions : array_like, shape (...)
    labels : array_like, same shape as ``predictions``
    axis : int, default -1
        The axis along which the cosine is computed.
    weights : array_like, optional
        Broadcast to the per-example loss shape, which is the shape of
        ``predictions`` without ``axis``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"

    Returns
    -------
    float, or ndarray of float64 shaped like ``predictions`` without ``axis`` for "none"

    Notes
    -----
    .. math:: \ell = 1 - \cos\theta, \qquad
              \cos\theta = \frac{p \cdot y}{\lVert p \rVert \, \lVert y \rVert}

    The cosine is clipped to [-1, 1], so :math:`\ell \in [0, 2]` despite rounding:
    0 for parallel vectors, 2 for opposite ones. When either vector is zero the
    cosine is taken as 0, so the loss is 1.

    TensorFlow 1's ``tf.losses.cosine_distance`` expects unit-normalized inputs
    and keeps ``axis`` as a dimension of size 1. Keras' ``CosineSimilarity``
    loss returns :math:`-\cos\theta`. PyTorch's ``CosineEmbeddingLoss`` with
    target 1 computes :math:`1 - \cos\theta`.
    """
    p, y = _check_pair(predictions, labels, min_ndim=1)
    axis = check_axis(axis, p.ndim)

    p_unit, _ = _unit_vectors(p, axis)
    y_unit, _ = _unit_vectors(y, axis)
    cosine = np.clip((p_unit * y_unit).sum(axis=axis), -1.0, 1.0)

    return _reduce(1 - cosine, weights, reduction)


def cosine_distance_grad(predictions, labels, axis=-1, weights=None, reduction="mean"):
    r"""Compute the gradient of :func:`cosine_distance` with respect to ``predictions``.

    Returns
    -------
    ndarray of float64, same shape as ``predictions``

    Notes
    -----
    With unit vectors :math:`\hat p = p / \lVert p \rVert` and :math:`\hat y = y / \lVert y \rVert`,

    .. math:: \frac{\partial \ell}{\partial p} = \frac{\cos\theta \, \hat p - \hat y}{\lVert p \rVert}

    which is orthogonal to :math:`p`, because scaling :math:`p` leaves the loss unchanged.
    When :math:`y = 0` the loss is 1 for every :math:`p`, so the gradient is 0.
    At :math:`p = 0` the loss has no gradient, and this function returns 0.
    """
    p, y = _check_pair(predictions, labels, min_ndim=1)
    axis = check_axis(axis, p.ndim)

    p_unit, p_norm = _unit_vectors(p, axis)
    y_unit, _ = _unit_vectors(y, axis)
    cosine = (p_unit * y_unit).sum(axis=axis, keepdims=True)

    nonzero = p_norm > 0
    gradient = np.where(nonzero, (cosine * p_unit - y_unit) / np.where(nonzero, p_norm, 1.0), 0.0)

    scale = _reduction_scale(weights, cosine.squeeze(axis).shape, reduction)
    return gradient * np.expand_dims(scale, axis)


# ---------------------------------------------------------------------------
# Cross-entropy
# ---------------------------------------------------------------------------

def _one_hot(target, logits_shape, name):
    """Convert integer class indices of shape ``logits_shape[:-1]`` to one-hot rows."""
    num_classes = logits_shape[-1]
    indices = as_float_array(target, name, min_ndim=0)

    if not np.all(indices == np.round(indices)):
        invalid = indices[indices != np.round(indices)]
        raise ValueError(f"{name} must contain integer class indices, got {invalid[:10].tolist()}")

    out_of_range = (indices < 0) | (indices >= num_classes)
    if np.any(out_of_range):
        raise ValueError(
            f"{name} must contain class indices in [0, {num_classes - 1}] for {num_classes} classes, "
            f"got {indices[out_of_range][:10].astype(np.int64).tolist()}"
        )

    return np.eye(num_classes)[indices.astype(np.int64)]


def _target_rows(target, logits_shape, name):
    """Return one row per example: one-hot from class indices, or the rows as given."""
    batch_shape = logits_shape[:-1]
    target_shape = np.shape(target)

    if target_shape == batch_shape:
        return _one_hot(target, logits_shape, name)
    if target_shape == logits_shape:
        return as_float_array(target, name)

    raise ValueError(
        f"{name} must have shape {batch_shape} for class indices or {logits_shape} for rows, "
        f"got {target_shape}"
    )


def _check_probability_rows(y, name):
    """Raise unless every row of ``y`` is >= 0 and sums to 1 within the tolerance."""
    if np.any(y < 0):
        raise ValueError(f"{name} probabilities must be >= 0, got a minimum of {float(y.min())!r}")

    row_sums = y.sum(axis=-1)
    deviation = np.abs(row_sums - 1)
    if deviation.max() > PROBABILITY_SUM_TOLERANCE:
        worst_sum = float(row_sums.flat[np.argmax(deviation)])
        raise ValueError(
            f"{name} rows must sum to 1 within {PROBABILITY_SUM_TOLERANCE:g}, got a row sum of {worst_sum!r}"
        )


def _smoothed_targets(target, logits_shape, label_smoothing):
    r"""Return the target distribution :math:`(1 - s) y + s / T`, shape ``logits_shape``."""
    try:
        smoothing = float(label_smoothing)
    except (TypeError, ValueError) as error:
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}") from error
    if not 0.0 <= smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be a number in [0, 1], got {label_smoothing!r}")

    y = _target_rows(target, logits_shape, "target")
    if np.shape(target) == logits_shape:
        _check_probability_rows(y, "target")

    num_classes = logits_shape[-1]
    return (1 - smoothing) * y + smoothing / num_classes


def cross_entropy(logits, target, weights=None, reduction="mean", label_smoothing=0.0):
    r"""Compute the softmax cross-entropy from logits.

    Parameters
    ----------
    logits : array_like, shape (..., T)
        The class axis is the last one.
    target : array_like, shape (...) or (..., T)
        Integer class indices :math:`z \in [0, T-1]`, or rows of probabilities
        that are >= 0 and sum to 1 within 1e-6.
    weights : array_like, optional
        Broadcast to the per-example loss shape ``logits.shape[:-1]``. ``None`` means 1.
    reduction : {"mean", "sum", "none"}, default "mean"
    label_smoothing : float in [0, 1], default 0.0
        :math:`s`. The target becomes :math:`(1 - s) y + s / T`.

    Returns
    -------
    float, or ndarray of float64 of shape ``logits.shape[:-1]`` for "none"

    Notes
    -----
    .. math:: \ell = -\sum_i y_i \log f_i, \qquad f = \mathrm{softmax}(p)

    which is :math:`-\log f_z` for a one-hot :math:`y`. The logarithm comes from
    :func:`~backprop_viz.softmax.log_softmax`, so the loss is finite for every
    finite logit, even where :math:`f_i` underflows to 0.

    ``torch.nn.functional.cross_entropy`` takes logits and applies label
    smoothing the same way, but its class axis is axis 1. Keras'
    ``CategoricalCrossentropy`` expects probabilities unless ``from_logits=True``.
    """
    p = as_float_array(logits, "logits")
    y = _smoothed_targets(target, p.shape, label_smoothing)

    losses = -(y * log_softmax(p)).sum(axis=-1)
    return _reduce(losses, weights, reduction)


def cross_entropy_grad(logits, target, weights=None, reduction="mean", label_smoothing=0.0):
    r"""Compute the gradient of :func:`cross_entropy` with respect to ``logits``.

    Returns
    -------
    ndarray of float64, same shape as ``logits``

    Notes
    -----
    .. math:: \frac{\partial \ell}{\partial p} = f \sum_i y_i - y = f - y

    The sum is 1 for valid targets. The code keeps the factor so that the
    gradient matches the loss exactly for rows that sum to 1 only within 1e-6.
    """
    p = as_float_array(logits, "logits")
    y = _smoothed_targets(target, p.shape, label_smoothing)
    f = softmax(p)

    gradient = f * y.sum(axis=-1, keepdims=True) - y
    scale = _reduction_scale(weights, p.shape[:-1], reduction)
    return gradient * scale[..., None]


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Loss:
    r"""A loss function with its gradient, as listed in :data:`LOSSES`.

    Attributes
    ----------
    name : str
        The registry key, e.g. "mean_squared_error".
    label : str
        A human-readable name, e.g. "Mean squared error".
    value_function, grad_function : callable
        The loss and its gradient with respect to the first argument.
    takes_logits : bool
        True when the first argument is raw scores (cross-entropy, hinge), False
        when it is probabilities or regression outputs.
    """

    name: str
    label: str
    value_function: Callable
    grad_function: Callable
    takes_logits: bool

    def value(self, predictions, labels, **kwargs):
        """Compute the loss. Keyword arguments go to the loss function."""
        return self.value_function(predictions, labels, **kwargs)

    def grad(self, predictions, labels, **kwargs):
        """Compute the gradient with respect to ``predictions``, shaped like it."""
        return self.grad_function(predictions, labels, **kwargs)

    def value_and_grad(self, predictions, labels, **kwargs):
        """Compute ``(value, grad)``."""
        return self.value(predictions, labels, **kwargs), self.grad(predictions, labels, **kwargs)


LOSSES = {
    loss.name: loss
    for loss in (
        Loss("absolute_difference", "Absolute difference", absolute_difference, absolute_difference_grad, False),
        Loss("cosine_distance", "Cosine distance", cosine_distance, cosine_distance_grad, False),
        Loss("cross_entropy", "Cross-entropy", cross_entropy, cross_entropy_grad, True),
        Loss("hinge", "Hinge", hinge, hinge_grad, True),
        Loss("huber", "Huber", huber, huber_grad, False),
        Loss("mean_squared_error", "Mean squared error", mean_squared_error, mean_squared_error_grad, False),
    )
}


def get_loss(name):
    """Return the :class:`Loss` registered under ``name``, or raise ``ValueError``."""
    if name not in LOSSES:
        raise ValueError(f"loss name must be one of {', '.join(LOSSES)}, got {name!r}")
    return LOSSES[name]


def gradient_wrt_logits(name, logits, labels, **kwargs):
    r"""Compute a loss on top of softmax and its gradient :math:`\partial L / \partial p`.

    For "cross_entropy" this is the loss itself, whose gradient is :math:`f - y`.
    Every other loss is applied to :math:`f = \mathrm{softmax}(p)`, and its
    gradient is carried back through softmax with the vector-Jacobian product

    .. math:: \frac{\partial L}{\partial p} = J^\top \frac{\partial L}{\partial f}, \qquad
              J_{ij} = f_i (\delta_{ij} - f_j).

    For mean squared error, a confidently wrong prediction puts :math:`f_k \approx 1`
    on a class :math:`k \neq z`. Then :math:`J \approx 0`, because every entry
    has a factor near 0: :math:`f_i \approx 0` for :math:`i \neq k`, and
    :math:`\delta_{kj} - f_j \approx 0` in row :math:`k`. The gradient nearly
    vanishes, while cross-entropy keeps :math:`f - y` of order 1.

    Parameters
    ----------
    name : str
        A key of :data:`LOSSES`.
    logits : array_like, shape (..., T)
    labels : array_like, shape (...) or (..., T)
        Class indices, or one-hot rows (probability rows for cross-entropy).
        Indices become one-hot rows for every loss except cross-entropy, which
        takes them directly. Hinge takes {0, 1} one-hot rows.
    **kwargs
        Passed to the loss, e.g. ``reduction``, ``weights`` or ``delta``.

    Returns
    -------
    (float or ndarray, ndarray of float64 shaped like ``logits``)
        The loss value and :math:`\partial L / \partial p`.
    """
    loss = get_loss(name)
    p = as_float_array(logits, "logits")

    if loss.name == "cross_entropy":
        return loss.value_and_grad(p, labels, **kwargs)

    y = _target_rows(labels, p.shape, "labels")
    f = softmax(p)

    value, grad_f = loss.value_and_grad(f, y, **kwargs)
    return value, softmax_vjp(p, grad_f)
