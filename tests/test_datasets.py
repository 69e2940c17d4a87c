"""Tests for the data set loaders and generators."""
import numpy as np
import pytest

from backprop_viz.datasets import (DATASETS, load_dataset, load_iris, make_circles, make_moons, make_spiral, make_xor,
                                   train_test_split)

# name: (N, T, total examples with the default options)
EXPECTED_SHAPES = {
    "digits": (64, 10, 1797),
    "iris": (4, 3, 150),
    "moons": (2, 2, 200),
    "circles": (2, 2, 200),
    "spiral": (2, 3, 300),
    "xor": (2, 2, 200),
}

GENERATORS = {"moons": make_moons, "circles": make_circles, "spiral": make_spiral, "xor": make_xor}


@pytest.fixture(scope="module", params=sorted(DATASETS))
def named_split(request):
    return request.param, load_dataset(request.param)


def test_every_dataset_listed():
    assert sorted(DATASETS) == sorted(EXPECTED_SHAPES)


def test_shapes(named_split):
    name, split = named_split
    n_features, n_classes, total = EXPECTED_SHAPES[name]

    assert split.X_train.shape[1] == n_features
    assert split.X_test.shape[1] == n_features
    assert split.n_features == n_features
    assert split.n_classes == n_classes
    assert len(split.X_train) + len(split.X_test) == total
    assert split.z_train.shape == (len(split.X_train),)
    assert split.z_test.shape == (len(split.X_test),)


def test_dtypes_and_values(named_split):
    name, split = named_split
    n_classes = EXPECTED_SHAPES[name][1]

    assert split.X_train.dtype == np.float64
    assert split.X_test.dtype == np.float64
    assert split.z_train.dtype == np.int64
    assert split.z_test.dtype == np.int64
    assert np.all(np.isfinite(split.X_train))
    assert set(np.unique(split.z_train)) == set(range(n_classes))


def test_split_is_stratified(named_split):
    name, split = named_split
    total = np.bincount(split.z_train) + np.bincount(split.z_test)

    expected_test = np.round(0.25 * total)
    np.testing.assert_array_equal(np.bincount(split.z_test), expected_test)


@pytest.mark.parametrize("name, counts", [("moons", [100, 100]), ("circles", [100, 100]), ("spiral", [100, 100, 100]), ("iris", [50, 50, 50])])
def test_balanced_class_counts(name, counts):
    split = load_dataset(name)

    np.testing.assert_array_equal(np.bincount(split.z_train) + np.bincount(split.z_test), counts)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_points(name):
    first = load_dataset(name, seed=5)
    second = load_dataset(name, seed=5)
    other = load_dataset(name, seed=6)

    np.testing.assert_array_equal(first.X_train, second.X_train)
    np.testing.assert_array_equal(first.z_test, second.z_test)
    assert not np.array_equal(first.X_train, other.X_train)


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_generator_options(name):
    split = GENERATORS[name](n_samples=90, noise=0.0, seed=1, test_fraction=0.5)

    assert len(split.X_train) + len(split.X_test) == 90
    assert abs(len(split.X_test) - 45) <= 2


def test_spiral_arms_follow_curves():
    split = make_spiral(n_samples=30, noise=0.0)
    X = np.concatenate([split.X_train, split.X_test])
    z = np.concatenate([split.z_train, split.z_test])

    radius = np.hypot(X[:, 0], X[:, 1])
    angle = np.arctan2(X[:, 1], X[:, 0])
    expected = 2 * np.pi * z / 3 + 2 * np.pi * radius

    np.testing.assert_allclose(np.cos(angle), np.cos(expected), atol=1e-12)
    np.testing.assert_allclose(np.sin(angle), np.sin(expected), atol=1e-12)
    assert radius.min() == pytest.approx(0.05)
    assert radius.max() == pytest.approx(1.0)


def test_xor_labels_follow_quadrants():
    split = make_xor(n_samples=100, noise=0.0)

    X, z = split.X_train, split.z_train
    np.testing.assert_array_equal(z, (X[:, 0] > 0) != (X[:, 1] > 0))


def test_iris_standardised_on_training_set():
    split = load_iris()

    np.testing.assert_allclose(split.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(split.X_train.std(axis=0), 1.0, rtol=1e-12)
    assert split.class_names == ("setosa", "versicolor", "virginica")


def test_digits_keep_image_shape():
    split = load_dataset("digits")

    assert split.image_shape == (8, 8)
    assert split.X_train.min() >= 0.0
    assert split.X_train.max() <= 1.0


def test_rejects_unknown_dataset():
    with pytest.raises(ValueError, match=r"dataset must be one of \['circles', 'digits', 'iris', 'moons', 'spiral', 'xor'\], got 'mnist'"):
        load_dataset("mnist")


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_spiral(n_samples=5), r"n_samples must be an integer >= 6 \(3 classes\), got 5"),
        (lambda: make_moons(n_samples=100.0), r"n_samples must be an integer >= 4 \(2 classes\), got 100.0"),
        (lambda: make_xor(noise=-0.1), r"noise must be a finite number >= 0, got -0.1"),
        (lambda: make_circles(factor=1.5), r"factor must be in \(0, 1\), got 1.5"),
        (lambda: make_spiral(turns=0), r"turns must be in \(0, 3\], got 0"),
        (lambda: make_moons(test_fraction=1.0), r"test_fraction must be in \(0, 1\), got 1.0"),
    ],
)
def test_generators_reject_invalid_options(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------------------
# The same data as scikit-learn's loaders and generators
# ---------------------------------------------------------------------------

def all_examples(split):
    """Return every example of ``split`` and its class, train and test together."""
    return np.concatenate([split.X_train, split.X_test]), np.concatenate([split.z_train, split.z_test])


def test_digits_match_sklearn():
    from sklearn.datasets import load_digits as sklearn_load_digits

    bunch = sklearn_load_digits()
    X, z = all_examples(load_dataset("digits"))
    order = np.lexsort(np.column_stack([X, z]).T)
    expected_order = np.lexsort(np.column_stack([bunch.data / 16.0, bunch.target]).T)

    np.testing.assert_array_equal(X[order], bunch.data[expected_order] / 16.0)
    np.testing.assert_array_equal(z[order], bunch.target[expected_order])


def test_iris_matches_sklearn():
    from sklearn.datasets import load_iris as sklearn_load_iris

    bunch = sklearn_load_iris()
    split = load_iris(test_fraction=0.2, seed=3)
    X_train, X_test, z_train, z_test = train_test_split(bunch.data, bunch.target, 0.2, 3)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)

    assert split.class_names == tuple(bunch.target_names)
    np.testing.assert_array_equal(split.X_train, (X_train - mean) / std)
    np.testing.assert_array_equal(split.X_test, (X_test - mean) / std)
    np.testing.assert_array_equal(split.z_train, z_train)
    np.testing.assert_array_equal(split.z_test, z_test)


@pytest.mark.parametrize("name, generator, options", [
    ("moons", "make_moons", {}),
    ("circles", "make_circles", {"factor": 0.5}),
    ("circles", "make_circles", {"factor": 0.8}),
])
@pytest.mark.parametrize("n_samples", [7, 200])
def test_noise_free_points_match_sklearn(name, generator, options, n_samples):
    import sklearn.datasets

    X, z = all_examples(GENERATORS[name](n_samples=n_samples, noise=0.0, **options))
    expected_X, expected_z = getattr(sklearn.datasets, generator)(n_samples=n_samples, noise=0.0, shuffle=False,
                                                                  **options)
    distances = np.linalg.norm(X[:, None, :] - expected_X[None, :, :], axis=2)
    nearest = distances.argmin(axis=1)

    assert distances.min(axis=1).max() < 1e-12
    np.testing.assert_array_equal(np.sort(nearest), np.arange(n_samples))
    np.testing.assert_array_equal(z, expected_z[nearest])


def test_noise_moves_points_by_about_noise():
    clean, _ = all_examples(make_moons(n_samples=2000, noise=0.0))
    noisy, _ = all_examples(make_moons(n_samples=2000, noise=0.1))
    shift = noisy - clean

    assert np.std(shift) == pytest.approx(0.1, rel=0.05)
