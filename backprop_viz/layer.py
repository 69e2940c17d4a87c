r"""The softmax layer of a classifier: forward pass, loss and every gradient in one call.

.. math::

    p = W^\top x + b, \qquad f = \mathrm{softmax}(p), \qquad L = -\log f_z

    \frac{\partial L}{\partial p} = f - y, \quad
    \frac{\partial L}{\partial W} = x (f - y)^\top, \quad
    \frac{\partial L}{\partial b} = f - y, \quad
    \frac{\partial L}{\partial x} = W (f - y)

with :math:`x \in \mathbb{R}^N`, :math:`W \in \mathbb{R}^{N \times T}`,
:math:`b \in \mathbb{R}^T` and :math:`y` the one-hot row of the class :math:`z`.
For a batch ``X`` of shape (n, N) the loss is the mean over examples, so every
gradient carries a factor 1/n.
"""
from dataclasses import dataclass

import numpy as np

from backprop_viz._validation import as_float_array, check_positive
from backprop_viz.losses import gradient_wrt_logits
from backprop_viz.softmax import softmax


@dataclass(frozen=True)
class SoftmaxLayerResult:
    r"""Everything the softmax layer computes for one example or a batch.

    Shapes are given for a batch of n examples; for one example the leading n is absent.

    Attributes
    ----------
    logits : ndarray, shape (n, T)
        :math:`p = W^\top x + b`.
    probabilities : ndarray, shape (n, T)
        :math:`f = \mathrm{softmax}(p)`.
    loss : float
        The loss, averaged over the batch.
    dL_dp, dL_db : ndarray, shape (n, T) and (T,)
    dL_dW : ndarray, shape (N, T)
    dL_dx : ndarray, shape (n, N)
    """

    logits: np.ndarray
    probabilities: np.ndarray
    loss: float
    dL_dp: np.ndarray
    dL_dW: np.ndarray
    dL_db: np.ndarray
    dL_dx: np.ndarray


def _check_parameters(X, W, b):
    if W.ndim != 2:
        raise ValueError(f"W must be 2-D with shape (N, T), got shape {W.shape}")
    if X.shape[-1] != W.shape[0]:
        raise ValueError(f"x must have N = {W.shape[0]} features to match W {W.shape}, got shape {X.shape}")
    if b.shape != (W.shape[1],):
        raise ValueError(f"b must have shape ({W.shape[1]},) to match W {W.shape}, got shape {b.shape}")


def softmax_layer(x, W, b, target, loss="cross_entropy"):
    r"""Run the softmax layer forward and backward.

    Parameters
    ----------
    x : array_like, shape (N,) or (n, N)
        One input vector or a batch.
    W : array_like, shape (N, T)
    b : array_like, shape (T,)
    target : int or array_like of int, shape () or (n,)
        The correct class index z of each example.
    loss : str, default "cross_entropy"
        A name from ``backprop_viz.losses.LOSSES``. Cross-entropy takes the logits.
        Every other loss is applied to the probabilities f, and its gradient is
        carried back to the logits through the softmax Jacobian.

    Returns
    -------
    SoftmaxLayerResult
    """
    X = as_float_array(x, "x", max_ndim=2)
    W = as_float_array(W, "W", max_ndim=2)
    b = as_float_array(b, "b", max_ndim=1)
    _check_parameters(X, W, b)
    single = X.ndim == 1
    X = np.atleast_2d(X)
    z = np.atleast_1d(np.asarray(target))

    # Forward pass.
    p = X @ W + b
    f = softmax(p)

    # Loss and dL/dp, already divided by n for the batch mean.
    value, dL_dp = gradient_wrt_logits(loss, p, z)

    # Backward pass through p = W^T x + b.
    dL_dW = X.T @ dL_dp
    dL_db = dL_dp.sum(axis=0)
    dL_dx = dL_dp @ W.T

    if single:
        return SoftmaxLayerResult(p[0], f[0], float(value), dL_dp[0], dL_dW, dL_db, dL_dx[0])
    return SoftmaxLayerResult(p, f, float(value), dL_dp, dL_dW, dL_db, dL_dx)


def fit_softmax_layer(X, z, n_classes, learning_rate=2.0, epochs=300, l2=1e-4):
    r"""Train W and b by full-batch gradient descent on the mean cross-entropy.

    Starts from zero weights, so the result is the same on every run. Each
    epoch is one step :math:`W \leftarrow W - \eta (\partial L / \partial W + \lambda W)`
    and :math:`b \leftarrow b - \eta\, \partial L / \partial b`.

    Parameters
    ----------
    X : array_like, shape (n, N)
    z : array_like of int, shape (n,)
    n_classes : int
        T.
    learning_rate : float
        :math:`\eta > 0`.
    epochs : int
    l2 : float
        :math:`\lambda \ge 0`, weight decay on W only.

    Returns
    -------
    W : ndarray, shape (N, T)
    b : ndarray, shape (T,)
    """
    X = as_float_array(X, "X", min_ndim=2, max_ndim=2)
    learning_rate = check_positive(learning_rate, "learning_rate")
    if l2 < 0:
        raise ValueError(f"l2 must be >= 0, got {l2!r}")

    W = np.zeros((X.shape[1], n_classes))
    b = np.zeros(n_classes)
    for _ in range(epochs):
        result = softmax_layer(X, W, b, z)
        W -= learning_rate * (result.dL_dW + l2 * W)
        b -= learning_rate * result.dL_db
    return W, b


def accuracy(X, z, W, b):
    r"""Return the fraction of examples whose :math:`\arg\max_i p_i` equals z."""
    logits = as_float_array(X, "X", min_ndim=2, max_ndim=2) @ W + b
    return float(np.mean(np.argmax(logits, axis=1) == np.asarray(z)))
