r"""Activation functions :math:`a = \sigma(z)` and their derivatives.

Each activation acts elementwise, so its Jacobian :math:`\partial a / \partial z`
is diagonal and the backward pass only needs the derivative :math:`\sigma'(z)`:

.. math:: \frac{\partial L}{\partial z} = \sigma'(z) \odot \frac{\partial L}{\partial a}

Every function below takes an array of any shape and returns a float64 array of
the same shape. :data:`ACTIVATIONS` maps each name to its forward function and
its derivative.
"""
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np


def relu(z):
    r"""Compute :math:`\max(z, 0)`."""
    return np.maximum(np.asarray(z, dtype=np.float64), 0.0)


def relu_derivative(z):
    r"""Compute :math:`1` where :math:`z > 0` and :math:`0` elsewhere.

    ReLU has a kink at :math:`z = 0`, where any value in :math:`[0, 1]` is a
    subgradient. This function returns 0 there, as PyTorch 2.13 and
    scikit-learn 1.9 do.
    """
    return (np.asarray(z, dtype=np.float64) > 0).astype(np.float64)


def leaky_relu(z, slope=0.01):
    r"""Compute :math:`z` where :math:`z > 0` and :math:`\alpha z` elsewhere.

    Parameters
    ----------
    z : array_like
    slope : float, default 0.01
        :math:`\alpha`, the slope for negative inputs.
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, z, slope * z)


def leaky_relu_derivative(z, slope=0.01):
    r"""Compute :math:`1` where :math:`z > 0` and :math:`\alpha` elsewhere.

    At the kink :math:`z = 0` this returns :math:`\alpha`, one end of the
    subgradient interval :math:`[\alpha, 1]`, as PyTorch 2.13 does.
    """
    z = np.asarray(z, dtype=np.float64)
    return np.where(z > 0, 1.0, slope)


def sigmoid(z):
    r"""Compute the logistic function :math:`1 / (1 + e^{-z})` without overflow.

    For :math:`z < 0` the equal form :math:`e^{z} / (1 + e^{z})` is used, so
    ``exp`` only receives :math:`-|z| \le 0` and never overflows. Even
    :math:`\sigma(-1000) = 0` and :math:`\sigma(1000) = 1` come out without a warning.
    """
    z = np.asarray(z, dtype=np.float64)
    exp_minus_abs = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + exp_minus_abs), exp_minus_abs / (1.0 + exp_minus_abs))


def sigmoid_derivative(z):
    r"""Compute :math:`\sigma'(z) = \sigma(z) (1 - \sigma(z))`, at most 1/4."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    r"""Compute :math:`\tanh z = (e^{z} - e^{-z}) / (e^{z} + e^{-z})`."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z):
    r"""Compute :math:`\tanh'(z) = 1 - \tanh^2 z`, at most 1."""
    t = tanh(z)
    return 1.0 - t * t


def identity(z):
    r"""Return :math:`z` unchanged, as a float64 copy."""
    return np.array(z, dtype=np.float64)


def identity_derivative(z):
    r"""Return ones shaped like ``z``."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


@dataclass(frozen=True)
class Activation:
    r"""An elementwise activation with its derivative.

    Attributes
    ----------
    name : str
    function : callable
        :math:`z \mapsto \sigma(z)`.
    derivative : callable
        :math:`z \mapsto \sigma'(z)`, the diagonal of the Jacobian.
    """

    name: str
    function: Callable
    derivative: Callable


ACTIVATIONS = {
    "relu": Activation("relu", relu, relu_derivative),
    "leaky_relu": Activation("leaky_relu", leaky_relu, leaky_relu_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "tanh": Activation("tanh", tanh, tanh_derivative),
    "identity": Activation("identity", identity, identity_derivative),
}


def get_activation(name, slope=None):
    r"""Look up an activation by name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`ACTIVATIONS`.
    slope : float, optional
        The negative slope :math:`\alpha` of "leaky_relu" (0.01 when omitted).
        Other activations have no slope and reject one.

    Returns
    -------
    Activation
    """
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    if slope is None:
        return ACTIVATIONS[name]
    if name != "leaky_relu":
        raise ValueError(f'slope applies only to activation "leaky_relu", got slope={slope!r} with {name!r}')

    try:
        slope = float(slope)
    except (TypeError, ValueError) as error:
        raise ValueError(f"slope must be a number >= 0, got {slope!r}") from error
    if not np.isfinite(slope) or slope < 0:
        raise ValueError(f"slope must be a finite number >= 0, got {slope!r}")
    return Activation(
        "leaky_relu",
        partial(leaky_relu, slope=slope),
        partial(leaky_relu_derivative, slope=slope),
    )
