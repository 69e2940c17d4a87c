r"""Numerical gradients by central differences, shared by the tests and the lessons.

.. math:: \frac{\partial L}{\partial \theta_k} \approx
          \frac{L(\theta + h e_k) - L(\theta - h e_k)}{2h}

The truncation error is O(h^2) and the rounding error O(eps / h), so in float64
a step around 1e-6 leaves a relative error near 1e-10 for smooth functions.
"""
import numpy as np

from backprop_viz._validation import as_float_array, check_positive


def numerical_gradient(function, theta, step=1e-6):
    r"""Estimate the gradient of a scalar function by central differences.

    Parameters
    ----------
    function : callable
        Takes an array shaped like ``theta`` and returns a scalar.
    theta : array_like, shape (...)
        The point at which to differentiate. It is copied, never changed.
    step : float, default 1e-6
        The step :math:`h`.

    Returns
    -------
    ndarray of float64, same shape as ``theta``
    """
    theta = as_float_array(theta, "theta", min_ndim=0).copy()
    step = check_positive(step, "step")
    gradient = np.empty_like(theta)

    for index in np.ndindex(theta.shape):
        original = theta[index]
        theta[index] = original + step
        forward = float(function(theta))
        theta[index] = original - step
        backward = float(function(theta))
        theta[index] = original
        gradient[index] = (forward - backward) / (2 * step)
    return gradient


def one_sided_differences(function, theta, index, step=1e-6):
    r"""Return the left and right difference quotients along one coordinate.

    At a kink (ReLU at 0, :math:`|e|` at 0, the hinge margin) these differ, and a
    valid subgradient lies between them.

    Returns
    -------
    (float, float)
        :math:`(L(\theta) - L(\theta - h e_k))/h` and :math:`(L(\theta + h e_k) - L(\theta))/h`.
    """
    theta = as_float_array(theta, "theta", min_ndim=0).copy()
    step = check_positive(step, "step")

    center = float(function(theta))
    original = theta[index]
    theta[index] = original - step
    left = (center - float(function(theta))) / step
    theta[index] = original + step
    right = (float(function(theta)) - center) / step
    return left, right


def relative_error(analytic, numeric):
    r"""Compute :math:`\lVert a - n \rVert / \max(\lVert a \rVert + \lVert n \rVert, 10^{-300})`.

    Norms over all entries make the error scale-free without letting one tiny
    entry, dominated by rounding, decide the result. Two zero gradients give 0.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    if a.shape != n.shape:
        raise ValueError(f"analytic and numeric gradients must have the same shape, got {a.shape} and {n.shape}")

    scale = np.linalg.norm(a) + np.linalg.norm(n)
    return float(np.linalg.norm(a - n) / max(scale, 1e-300))
