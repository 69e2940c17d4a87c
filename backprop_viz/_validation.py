"""Input checks shared by the core modules.

Each helper raises ``ValueError`` with a message that names the argument,
what was expected and what was received.
"""
import numpy as np


def as_float_array(value, name, min_ndim=1, max_ndim=None):
    r"""Convert ``value`` to a float64 array and check its rank and values.

    Parameters
    ----------
    value : array_like
        Numbers to convert.
    name : str
        The argument's name, used in error messages.
    min_ndim, max_ndim : int, optional
        Allowed range for ``ndim``; ``max_ndim=None`` means no upper bound.

    Returns
    -------
    ndarray of float64
    """
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be an array of numbers, got {value!r}") from error

    if array.ndim < min_ndim or (max_ndim is not None and array.ndim > max_ndim):
        expected = f"at least {min_ndim}-D" if max_ndim is None else f"{min_ndim}-D to {max_ndim}-D"
        raise ValueError(f"{name} must be {expected}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got nan or inf in {array.tolist() if array.size <= 12 else 'the array'}")
    return array


def check_axis(axis, ndim, name="axis"):
    """Return ``axis`` as a non-negative index, or raise if it is out of range."""
    if not isinstance(axis, (int, np.integer)) or not -ndim <= axis < ndim:
        raise ValueError(f"{name} must be an integer in [{-ndim}, {ndim - 1}] for a {ndim}-D array, got {axis!r}")
    return int(axis) % ndim


def check_positive(value, name):
    """Return ``value`` as a float, or raise unless it is finite and > 0."""
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a number > 0, got {value!r}") from error
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return number


def check_reduction(reduction):
    """Return ``reduction`` or raise unless it is "none", "sum" or "mean"."""
    if reduction not in ("none", "sum", "mean"):
        raise ValueError(f'reduction must be "none", "sum" or "mean", got {reduction!r}')
    return reduction
