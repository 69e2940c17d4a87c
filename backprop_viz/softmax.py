r"""Softmax, log-softmax and the softmax Jacobian.

Notation: logits :math:`p \in \mathbb{R}^T`, probabilities :math:`f = \mathrm{softmax}(p)`,
temperature :math:`\tau > 0`.

.. math::

    f_i = \frac{e^{p_i / \tau}}{\sum_j e^{p_j / \tau}}, \qquad
    \frac{\partial f_i}{\partial p_j} = \frac{1}{\tau} f_i (\delta_{ij} - f_j).

Every function works on one vector or on a batch: the class axis is ``axis``
(the last by default) and all other axes are batch axes.
"""
import numpy as np

from backprop_viz._validation import as_float_array, check_axis, check_positive


def naive_softmax(logits, axis=-1):
    r"""Compute the textbook softmax :math:`e^{p_i} / \sum_j e^{p_j}`.

    Kept on purpose to show why softmax is not computed this way in practice: for logits
    above about 709, ``exp`` overflows to inf and inf / inf gives nan, with a
    ``RuntimeWarning`` from numpy. Use :func:`softmax` for real work.

    Parameters
    ----------
    logits : array_like, shape (..., T)
    axis : int, default -1
        The class axis.

    Returns
    -------
    ndarray of float64, same shape as ``logits``
    """
    p = as_float_array(logits, "logits")
    axis = check_axis(axis, p.ndim)

    exp_p = np.exp(p)
    return exp_p / exp_p.sum(axis=axis, keepdims=True)


def softmax(logits, axis=-1, temperature=1.0):
    r"""Compute the numerically stable softmax.

    .. math:: f_i = \frac{e^{(p_i - m)/\tau}}{\sum_j e^{(p_j - m)/\tau}}, \quad m = \max_j p_j

    Subtracting the maximum leaves the result unchanged (it cancels between
    numerator and denominator) but keeps every exponent <= 0, so nothing
    overflows and the largest term is exactly 1.

    Parameters
    ----------
    logits : array_like, shape (..., T)
    axis : int, default -1
        The class axis.
    temperature : float, default 1.0
        :math:`\tau > 0`. Large values flatten the distribution, small ones sharpen it.

    Returns
    -------
    ndarray of float64, same shape as ``logits``
        Probabilities that are >= 0 and sum to 1 along ``axis``.
    """
    return np.exp(log_softmax(logits, axis=axis, temperature=temperature))


def log_softmax(logits, axis=-1, temperature=1.0):
    r"""Compute :math:`\log f_i = p_i/\tau - \operatorname{logsumexp}_j(p_j/\tau)`.

    The log-sum-exp subtracts the maximum before exponentiating:

    .. math:: \operatorname{logsumexp}(s) = m + \log \sum_j e^{s_j - m}, \quad m = \max_j s_j

    so the result is finite for every finite input, even where :math:`f_i`
    itself underflows to 0.

    Parameters
    ----------
    logits : array_like, shape (..., T)
    axis : int, default -1
    temperature : float, default 1.0

    Returns
    -------
    ndarray of float64, same shape as ``logits``
    """
    p = as_float_array(logits, "logits")
    axis = check_axis(axis, p.ndim)
    temperature = check_positive(temperature, "temperature")

    s = p / temperature
    shifted = s - s.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax_jacobian(logits, temperature=1.0):
    r"""Build the Jacobian :math:`J_{ij} = \partial f_i / \partial p_j`.

    .. math:: J_{ij} = \frac{1}{\tau} f_i (\delta_{ij} - f_j), \qquad
              J = \frac{1}{\tau}\left(\operatorname{diag}(f) - f f^\top\right)

    :math:`J` is symmetric, and each row and column sums to zero because the
    probabilities always sum to 1.

    Parameters
    ----------
    logits : array_like, shape (..., T)
        The class axis is the last one.
    temperature : float, default 1.0

    Returns
    -------
    ndarray of float64, shape (..., T, T)
    """
    temperature = check_positive(temperature, "temperature")
    f = softmax(logits, temperature=temperature)

    diagonal = f[..., :, None] * np.eye(f.shape[-1])
    outer = f[..., :, None] * f[..., None, :]
    return (diagonal - outer) / temperature


def softmax_vjp(logits, upstream, temperature=1.0):
    r"""Compute the vector-Jacobian product :math:`J^\top g` without building :math:`J`.

    With :math:`g = \partial L / \partial f` (the gradient arriving from the loss),

    .. math:: \frac{\partial L}{\partial p_j} = \sum_i g_i \frac{\partial f_i}{\partial p_j}
              = \frac{1}{\tau} f_j \left(g_j - \sum_i g_i f_i\right)

    which costs O(T) instead of the O(T^2) of the full matrix.

    Parameters
    ----------
    logits : array_like, shape (..., T)
    upstream : array_like, shape (..., T)
        :math:`g = \partial L / \partial f`, same shape as ``logits``.
    temperature : float, default 1.0

    Returns
    -------
    ndarray of float64, shape (..., T)
        :math:`\partial L / \partial p`.
    """
    temperature = check_positive(temperature, "temperature")
    f = softmax(logits, temperature=temperature)
    g = as_float_array(upstream, "upstream")
    if g.shape != f.shape:
        raise ValueError(f"upstream must have the shape of logits {f.shape}, got {g.shape}")

    weighted_mean = (g * f).sum(axis=-1, keepdims=True)
    return f * (g - weighted_mean) / temperature
