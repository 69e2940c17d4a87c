r"""Random initial weights for one layer, :math:`W \in \mathbb{R}^{n_{in} \times n_{out}}`.

The scale of the initial weights decides whether signals keep their size as
they pass through many layers. The variance of :math:`z = W^\top a` is about
:math:`n_{in} \operatorname{Var}(W) \operatorname{Var}(a)`, so:

- Glorot (Xavier) keeps both forward and backward variances near 1 for tanh
  and sigmoid by choosing :math:`\operatorname{Var}(W) = 2 / (n_{in} + n_{out})`.
- He doubles the forward variance to make up for ReLU zeroing half its inputs:
  :math:`\operatorname{Var}(W) = 2 / n_{in}`.
- A plain Gaussian with a chosen standard deviation shows what goes wrong
  when the scale is too small (vanishing signals) or too large (saturation).

Biases always start at zero.
"""
import numpy as np

from backprop_viz._validation import check_positive


def glorot_uniform(n_in, n_out, rng, scale=1.0):
    r"""Draw weights from :math:`U(-r, r)` with :math:`r = s \sqrt{6 / (n_{in} + n_{out})}`.

    A uniform distribution on :math:`[-r, r]` has variance :math:`r^2 / 3`, so
    the variance is :math:`s^2 \cdot 2 / (n_{in} + n_{out})`.

    Parameters
    ----------
    n_in, n_out : int
        Layer widths :math:`n_{k-1}` and :math:`n_k`.
    rng : numpy.random.Generator
    scale : float, default 1.0
        :math:`s`, a gain on the standard deviation.

    Returns
    -------
    ndarray of float64, shape (n_in, n_out)
    """
    limit = scale * np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


def he_normal(n_in, n_out, rng, scale=1.0):
    r"""Draw weights from :math:`\mathcal{N}(0, s^2 \cdot 2 / n_{in})`.

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator
    scale : float, default 1.0
        :math:`s`, a gain on the standard deviation.

    Returns
    -------
    ndarray of float64, shape (n_in, n_out)
    """
    return rng.normal(0.0, scale * np.sqrt(2.0 / n_in), size=(n_in, n_out))


def gaussian(n_in, n_out, rng, scale=1.0):
    r"""Draw weights from :math:`\mathcal{N}(0, s^2)`, whatever the layer widths.

    Parameters
    ----------
    n_in, n_out : int
    rng : numpy.random.Generator
    scale : float, default 1.0
        :math:`s`, the standard deviation itself (0.01 is a common small choice).

    Returns
    -------
    ndarray of float64, shape (n_in, n_out)
    """
    return rng.normal(0.0, scale, size=(n_in, n_out))


INITIALIZERS = {
    "glorot": glorot_uniform,
    "he": he_normal,
    "gaussian": gaussian,
}


def make_rng(seed):
    r"""Return a numpy ``Generator``: ``seed`` itself if it is one, else ``default_rng(seed)``."""
    if isinstance(seed, np.random.Generator):
        return seed
    try:
        return np.random.default_rng(seed)
    except (TypeError, ValueError) as error:
        raise ValueError(f"seed must be a non-negative integer, None or a numpy Generator, got {seed!r}") from error


def initialize_layer(name, n_in, n_out, seed=None, scale=1.0):
    r"""Draw the initial :math:`(W, b)` of one layer.

    Parameters
    ----------
    name : str
        One of the keys of :data:`INITIALIZERS`: "glorot", "he" or "gaussian".
    n_in, n_out : int
        Layer widths :math:`n_{k-1}` and :math:`n_k`.
    seed : int, numpy.random.Generator or None
        A Generator is used (and advanced) as is, so that successive layers
        drawn from one Generator differ.
    scale : float, default 1.0
        A gain on the standard deviation for "glorot" and "he", and the
        standard deviation itself for "gaussian".

    Returns
    -------
    W : ndarray of float64, shape (n_in, n_out)
    b : ndarray of float64, shape (n_out,)
        Zeros.
    """
    if name not in INITIALIZERS:
        raise ValueError(f"init must be one of {sorted(INITIALIZERS)}, got {name!r}")
    scale = check_positive(scale, "init scale")
    rng = make_rng(seed)

    W = INITIALIZERS[name](n_in, n_out, rng, scale)
    b = np.zeros(n_out)
    return W, b
