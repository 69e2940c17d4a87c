r"""Data sets for the lessons, all loaded offline from what scikit-learn ships.

Every loader returns a :class:`Split` whose arrays follow the project's
layout: examples first, ``X`` of shape (n_samples, N) in float64 and ``z`` the
integer class index of each example.

The digits and iris tables are read from scikit-learn's data folder, and the
two-dimensional sets are generated with numpy, without importing scikit-learn:
importing ``sklearn.datasets`` adds about 75 MB to each dashboard kernel
(resident memory measured with psutil, Python 3.11, scikit-learn 1.9.1).
"""
import gzip
import importlib.util
from dataclasses import dataclass
from pathlib import Path

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


def sklearn_data_file(name):
    """Return the path of ``name`` in scikit-learn's bundled data folder, without importing scikit-learn."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed. It provides the digits and iris tables: "
                                  "pip install scikit-learn")
    path = Path(spec.submodule_search_locations[0], "datasets", "data", name)
    if not path.is_file():
        raise FileNotFoundError(f"scikit-learn's data file {name} was not found at {path}")
    return path


def load_digits(test_fraction=0.25, seed=0):
    r"""Load scikit-learn's 8 x 8 handwritten digits, scaled to [0, 1].

    1797 images in 10 classes, read from ``digits.csv.gz``: each row holds
    64 pixel intensities 0..16 and then the class. The intensities are
    divided by 16, so N = 64 inputs in [0, 1].

    Returns
    -------
    Split
        With ``image_shape == (8, 8)`` and class names "0" to "9".
    """
    with gzip.open(sklearn_data_file("digits.csv.gz"), "rt") as table:
        rows = np.loadtxt(table, delimiter=",")
    X = rows[:, :-1] / 16.0
    z = rows[:, -1].astype(np.int64)

    parts = train_test_split(X, z, test_fraction, seed)
    return Split(*parts, class_names=tuple(str(digit) for digit in range(10)), image_shape=(8, 8))


def load_iris(test_fraction=0.25, seed=0):
    r"""Load scikit-learn's iris flowers, each feature standardised.

    150 flowers in 3 classes, N = 4 measurements in cm, read from
    ``iris.csv``, whose first line gives the counts and the species names.
    Each feature is shifted and scaled to mean 0 and standard deviation 1
    using the training examples only, so no statistic of the test set leaks
    into training.

    Returns
    -------
    Split
        With class names "setosa", "versicolor" and "virginica".
    """
    path = sklearn_data_file("iris.csv")
    with open(path) as table:
        class_names = tuple(table.readline().strip().split(",")[2:])
        rows = np.loadtxt(table, delimiter=",")
    X = rows[:, :-1]
    z = rows[:, -1].astype(np.int64)

    X_train, X_test, z_train, z_test = train_test_split(X, z, test_fraction, seed)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    X_train = (X_train - mean) / std
    X_test = (X_test - mean) / std

    return Split(X_train, X_test, z_train, z_test, class_names=class_names)


def make_moons(n_samples=200, noise=0.1, seed=0, test_fraction=0.25):
    r"""Make two interleaving half circles in the plane, one per class.

    Class 0 lies on the upper unit half circle :math:`(\cos t, \sin t)` and
    class 1 on the lower one shifted right and up,
    :math:`(1 - \cos t, \tfrac12 - \sin t)`, for evenly spaced
    :math:`t \in [0, \pi]`; the same shapes as scikit-learn's ``make_moons``.
    Gaussian noise of standard deviation ``noise`` moves each coordinate.
    The classes cannot be separated by a line, so a softmax classifier
    without a hidden layer fails and one small hidden layer succeeds.

    Parameters
    ----------
    n_samples : int, default 200
        The total number of points; class 0 gets ``n_samples // 2`` of them.
    noise : float, default 0.1
        The standard deviation of Gaussian noise added to each coordinate.
    seed : int, default 0
        Seeds both the noise and the split.
    test_fraction : float in (0, 1), default 0.25

    Returns
    -------
    Split
        N = 2, T = 2.
    """
    _check_generator_arguments(n_samples, noise, n_classes=2)
    outer_count = n_samples // 2
    outer = np.linspace(0.0, np.pi, outer_count)
    inner = np.linspace(0.0, np.pi, n_samples - outer_count)

    X = np.concatenate([np.column_stack([np.cos(outer), np.sin(outer)]),
                        np.column_stack([1.0 - np.cos(inner), 0.5 - np.sin(inner)])])
    z = np.repeat([0, 1], [outer_count, n_samples - outer_count])
    return _split_points(_add_noise(X, noise, seed), z, ("0", "1"), test_fraction, seed)


def make_circles(n_samples=200, noise=0.1, seed=0, test_fraction=0.25, factor=0.5):
    r"""Make a small circle (class 1) inside a large one (class 0).

    The circles have radii 1 and ``factor``, with points at evenly spaced
    angles; the same shapes as scikit-learn's ``make_circles``. A line
    cannot separate them, but the radius :math:`\sqrt{x_1^2 + x_2^2}` can.

    Parameters
    ----------
    n_samples : int, default 200
        The total number of points; the outer circle gets ``n_samples // 2`` of them.
    noise : float, default 0.1
        The standard deviation of Gaussian noise added to each coordinate.
    seed : int, default 0
        Seeds both the noise and the split.
    test_fraction : float in (0, 1), default 0.25
    factor : float in (0, 1), default 0.5
        The radius of the inner circle relative to the outer one.

    Returns
    -------
    Split
        N = 2, T = 2.
    """
    _check_generator_arguments(n_samples, noise, n_classes=2)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    outer_count = n_samples // 2
    outer = np.linspace(0.0, 2 * np.pi, outer_count, endpoint=False)
    inner = np.linspace(0.0, 2 * np.pi, n_samples - outer_count, endpoint=False)

    X = np.concatenate([np.column_stack([np.cos(outer), np.sin(outer)]),
                        factor * np.column_stack([np.cos(inner), np.sin(inner)])])
    z = np.repeat([0, 1], [outer_count, n_samples - outer_count])
    return _split_points(_add_noise(X, noise, seed), z, ("0", "1"), test_fraction, seed)


def _add_noise(X, noise, seed):
    """Return ``X`` plus Gaussian noise of standard deviation ``noise``, drawn from ``seed``."""
    return X + noise * np.random.default_rng(seed).standard_normal(X.shape)


def make_spiral(n_samples=300, noise=0.1, seed=0, test_fraction=0.25, turns=1.0):
    r"""Make three interleaved spiral arms in the plane, one class per arm.

    Arm :math:`c \in \{0, 1, 2\}` is the curve

    .. math:: r(t) = t, \qquad \theta(t) = \frac{2 \pi c}{3} + 2 \pi \cdot \text{turns} \cdot t, \qquad t \in [0.05, 1]

    sampled at evenly spaced :math:`t`, with Gaussian noise of standard deviation
    ``noise`` times the radius :math:`r` added to each coordinate, so the
    arms keep their separation near the centre, where they start 120 degrees apart.

    Parameters
    ----------
    n_samples : int, default 300
        The total number of points, split as evenly as possible between the arms.
    noise : float, default 0.1
    seed : int, default 0
        Seeds both the noise and the split.
    test_fraction : float in (0, 1), default 0.25
    turns : float, default 1.0
        How many times each arm winds around the centre.

    Returns
    -------
    Split
        N = 2, T = 3, with points within radius about 1.
    """
    _check_generator_arguments(n_samples, noise, n_classes=3)
    if not 0 < turns <= 3:
        raise ValueError(f"turns must be in (0, 3], got {turns!r}")
    rng = np.random.default_rng(seed)

    z = np.arange(n_samples) % 3
    t = np.empty(n_samples)
    for arm in range(3):
        members = np.flatnonzero(z == arm)
        t[members] = np.linspace(0.05, 1.0, len(members))

    radius = t
    angle = 2 * np.pi * z / 3 + 2 * np.pi * turns * t
    X = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
    X += noise * radius[:, None] * rng.standard_normal(X.shape)

    return _split_points(X, z, ("0", "1", "2"), test_fraction, seed)


def make_xor(n_samples=200, noise=0.1, seed=0, test_fraction=0.25):
    r"""Make points in the square :math:`[-1, 1]^2` labelled by the XOR of their signs.

    A point :math:`(x_1, x_2)` drawn uniformly from the square gets class 1
    when exactly one coordinate is positive, and class 0 otherwise. Then
    Gaussian noise of standard deviation ``noise`` moves each coordinate, so
    points near the axes can cross into a quadrant of the other class.
    This is the classic problem that no network without a hidden layer can solve.

    Parameters
    ----------
    n_samples : int, default 200
    noise : float, default 0.1
    seed : int, default 0
        Seeds both the points and the split.
    test_fraction : float in (0, 1), default 0.25

    Returns
    -------
    Split
        N = 2, T = 2. The classes hold about half the points each, not exactly.
    """
    _check_generator_arguments(n_samples, noise, n_classes=2)
    rng = np.random.default_rng(seed)

    X = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
    z = ((X[:, 0] > 0) != (X[:, 1] > 0)).astype(np.int64)
    X += noise * rng.standard_normal(X.shape)

    return _split_points(X, z, ("0", "1"), test_fraction, seed)


DATASETS = {
    "digits": load_digits,
    "iris": load_iris,
    "moons": make_moons,
    "circles": make_circles,
    "spiral": make_spiral,
    "xor": make_xor,
}


def load_dataset(name, **options):
    r"""Load or generate a data set by name.

    Parameters
    ----------
    name : str
        "digits", "iris", "moons", "circles", "spiral" or "xor".
    **options
        Passed to the loader, e.g. ``seed`` and ``test_fraction`` for all of
        them, and ``n_samples`` and ``noise`` for the two-dimensional sets.

    Returns
    -------
    Split
    """
    if name not in DATASETS:
        raise ValueError(f"dataset must be one of {sorted(DATASETS)}, got {name!r}")
    return DATASETS[name](**options)


def _check_generator_arguments(n_samples, noise, n_classes):
    """Raise unless ``n_samples`` gives every class at least 2 points and ``noise`` is >= 0."""
    minimum = 2 * n_classes
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < minimum:
        raise ValueError(f"n_samples must be an integer >= {minimum} ({n_classes} classes), got {n_samples!r}")
    if not (isinstance(noise, (int, float, np.number)) and np.isfinite(noise) and noise >= 0):
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")


def _split_points(X, z, class_names, test_fraction, seed):
    """Split generated points and return them as a Split of float64 and int64 arrays."""
    X = np.asarray(X, dtype=np.float64)
    z = np.asarray(z, dtype=np.int64)

    parts = train_test_split(X, z, test_fraction, seed)
    return Split(*parts, class_names=class_names)
