r"""Data sets for the lessons, all loaded offline from what scikit-learn ships.

Every loader returns a :class:`Split` whose arrays follow the project's
layout: examples first, ``X`` of shape (n_samples, N) in float64 and ``z`` the
integer class index of each example.
"""
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Split:
    r"""A train/test split.

    Attributes
    ----------
    X_train, X_test : ndarray of float64, shape (n_train, N) and (n_test, N)
    z_train, z_test : ndarray of int64, shape (n_train,) and (n_test,)
        Class indices in ``range(T)``.
    class_names : tuple of str, length T
    image_shape : tuple of int or None
        The shape to reshape one row of ``X`` into for display, for image data.
    """

    X_train: np.ndarray
    X_test: np.ndarray
    z_train: np.ndarray
    z_test: np.ndarray
    class_names: tuple
    image_shape: tuple = None

    @property
    def n_features(self):
        """N, the length of one input vector."""
        return self.X_train.shape[1]

    @property
    def n_classes(self):
        """T, the number of classes."""
        return len(self.class_names)


def train_test_split(X, z, test_fraction=0.25, seed=0):
    r"""Shuffle examples with a fixed seed and split them, stratified by class.

    Parameters
    ----------
    X : ndarray, shape (n_samples, N)
    z : ndarray of int, shape (n_samples,)
    test_fraction : float in (0, 1)
    seed : int

    Returns
    -------
    X_train, X_test, z_train, z_test
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
    if len(X) != len(z):
        raise ValueError(f"X and z must have the same number of examples, got {len(X)} and {len(z)}")

    rng = np.random.default_rng(seed)
    test_mask = np.zeros(len(z), dtype=bool)
    for label in np.unique(z):
        members = rng.permutation(np.flatnonzero(z == label))
        test_mask[members[: int(round(test_fraction * len(members)))]] = True

    train_order = rng.permutation(np.flatnonzero(~test_mask))
    test_order = rng.permutation(np.flatnonzero(test_mask))
    return X[train_order], X[test_order], z[train_order], z[test_order]


def load_digits(test_fraction=0.25, seed=0):
    r"""Load scikit-learn's 8 x 8 handwritten digits, scaled to [0, 1].

    1797 images in 10 classes. Pixel intensities 0..16 are divided by 16, so
    N = 64 inputs in [0, 1].

    Returns
    -------
    Split
        With ``image_shape == (8, 8)`` and class names "0" to "9".
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    X = bunch.data.astype(np.float64) / 16.0
    z = bunch.target.astype(np.int64)

    parts = train_test_split(X, z, test_fraction, seed)
    return Split(*parts, class_names=tuple(str(name) for name in bunch.target_names), image_shape=(8, 8))
