"""Tests for the activations, the initialisers and the l-layer network.

Gradients are checked three ways: against PyTorch autograd on the same weights
and batch, against central finite differences, and against literal values
computed by hand for a 2-2-2 network.
"""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop_viz.activations import ACTIVATIONS, get_activation, leaky_relu_derivative, relu_derivative, sigmoid
from backprop_viz.gradcheck import numerical_gradient, one_sided_differences, relative_error
from backprop_viz.initializers import glorot_uniform, he_normal, initialize_layer
from backprop_viz.losses import LOSSES
from backprop_viz.network import MAX_DEPTH, Network

DEPTHS = [1, 2, 3]
WIDTHS = [5, 6, 7, 6, 5, 6, 7]
N_FEATURES = 5
N_CLASSES = 4


def make_layer_sizes(depth):
    """Return [N, hidden widths..., T] for a network of ``depth`` weight layers."""
    return [N_FEATURES, *WIDTHS[: depth - 1], N_CLASSES]


def make_batch(seed, n_samples=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, N_FEATURES))
    z = rng.integers(0, N_CLASSES, size=n_samples)
    return X, z


def make_network_away_from_kinks(depth, activation, loss, margin=1e-3):
    """Find a seed whose hidden pre-activations all keep |z| > margin on the batch."""
    for seed in range(100):
        network = Network(make_layer_sizes(depth), activation=activation, loss=loss, seed=seed)
        X, z = make_batch(seed)
        cache, _ = network.forward(X)
        hidden = [cache.z[k] for k in network.layers if k < depth]
        if all(np.min(np.abs(values)) > margin for values in hidden):
            return network, X, z
    raise AssertionError(f"no seed below 100 keeps every pre-activation {margin} away from 0")


# ---------------------------------------------------------------------------
# PyTorch reference
# ---------------------------------------------------------------------------

TORCH_ACTIVATIONS = {
    "relu": torch.relu,
    "leaky_relu": lambda z: torch.nn.functional.leaky_relu(z, negative_slope=0.01),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "identity": lambda z: z,
}


def torch_loss(name, logits, z):
    """Each loss written directly in torch ops, as a mean (over examples or entries)."""
    y = torch.nn.functional.one_hot(torch.as_tensor(z), logits.shape[1]).to(torch.float64)
    if name == "cross_entropy":
        return -(torch.log_softmax(logits, dim=1) * y).sum(dim=1).mean()

    f = torch.softmax(logits, dim=1)
    e = f - y
    if name == "absolute_difference":
        return e.abs().mean()
    if name == "mean_squared_error":
        return (e**2).mean()
    if name == "huber":
        return torch.where(e.abs() <= 1.0, 0.5 * e**2, e.abs() - 0.5).mean()
    if name == "hinge":
        t = 2 * y - 1
        return torch.clamp(1 - t * f, min=0).mean()
    if name == "cosine_distance":
        cosine = (f * y).sum(dim=1) / (f.norm(dim=1) * y.norm(dim=1))
        return (1 - cosine.clamp(-1.0, 1.0)).mean()
    raise AssertionError(f"no torch reference for loss {name!r}")


def torch_gradients(network, X, z):
    """Return the loss and [(dL/dW_k, dL/db_k)] from torch autograd in float64."""
    parameters = [
        (torch.tensor(W, dtype=torch.float64, requires_grad=True), torch.tensor(b, dtype=torch.float64, requires_grad=True))
        for W, b in network.parameters()
    ]
    sigma = TORCH_ACTIVATIONS[network.activation.name]

    a = torch.tensor(X, dtype=torch.float64)
    for k, (W, b) in enumerate(parameters, start=1):
        a = a @ W + b
        if k < network.depth:
            a = sigma(a)

    loss = torch_loss(network.loss, a, z)
    loss.backward()
    return loss.item(), [(W.grad.numpy(), b.grad.numpy()) for W, b in parameters]


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_match_torch(activation, loss, depth):
    network = Network(make_layer_sizes(depth), activation=activation, loss=loss, seed=depth)
    X, z = make_batch(seed=depth)

    value, gradients = network.loss_and_gradients(X, z)
    expected_value, expected = torch_gradients(network, X, z)

    assert value == pytest.approx(expected_value, rel=1e-12)
    for k, (dW, db) in zip(network.layers, expected):
        assert relative_error(gradients[k].dW, dW) <= 1e-10, f"dL/dW_{k}"
        assert relative_error(gradients[k].db, db) <= 1e-10, f"dL/db_{k}"


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_deep_network_gradients_match_torch(activation):
    network = Network(make_layer_sizes(6), activation=activation, init="glorot", seed=6)
    X, z = make_batch(seed=6)

    _, gradients = network.loss_and_gradients(X, z)
    _, expected = torch_gradients(network, X, z)

    for k, (dW, db) in zip(network.layers, expected):
        assert relative_error(gradients[k].dW, dW) <= 1e-10, f"dL/dW_{k}"
        assert relative_error(gradients[k].db, db) <= 1e-10, f"dL/db_{k}"


def test_leaky_relu_slope_matches_torch():
    network = Network(make_layer_sizes(3), activation="leaky_relu", slope=0.2, seed=3)
    X, z = make_batch(seed=3)
    parameters = [
        (torch.tensor(W, requires_grad=True), torch.tensor(b, requires_grad=True)) for W, b in network.parameters()
    ]

    a = torch.tensor(X)
    for k, (W, b) in enumerate(parameters, start=1):
        a = a @ W + b
        if k < network.depth:
            a = torch.nn.functional.leaky_relu(a, negative_slope=0.2)
    torch_loss("cross_entropy", a, z).backward()

    _, gradients = network.loss_and_gradients(X, z)
    for k, (W, b) in zip(network.layers, parameters):
        assert relative_error(gradients[k].dW, W.grad.numpy()) <= 1e-10, f"dL/dW_{k}"


# ---------------------------------------------------------------------------
# Finite differences
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("loss", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_gradients_match_finite_differences(activation, loss, depth):
    network, X, z = make_network_away_from_kinks(depth, activation, loss)

    _, gradients = network.loss_and_gradients(X, z)
    numeric = numerical_gradient(network.loss_function(X, z), network.get_parameter_vector())

    assert relative_error(network.gradient_vector(gradients), numeric) <= 1e-7


def test_deep_network_gradients_match_finite_differences():
    network, X, z = make_network_away_from_kinks(6, "relu", "cross_entropy")

    _, gradients = network.loss_and_gradients(X, z)
    numeric = numerical_gradient(network.loss_function(X, z), network.get_parameter_vector())

    assert relative_error(network.gradient_vector(gradients), numeric) <= 1e-7


@settings(max_examples=25, deadline=None)
@given(
    hidden=st.lists(st.integers(1, 5), min_size=0, max_size=3),
    n_features=st.integers(1, 4),
    n_classes=st.integers(2, 4),
    n_samples=st.integers(1, 6),
    seed=st.integers(0, 2**16),
)
def test_random_shapes_match_finite_differences(hidden, n_features, n_classes, n_samples, seed):
    network = Network([n_features, *hidden, n_classes], activation="tanh", init="glorot", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    z = rng.integers(0, n_classes, size=n_samples)

    _, gradients = network.loss_and_gradients(X, z)
    numeric = numerical_gradient(network.loss_function(X, z), network.get_parameter_vector())

    assert relative_error(network.gradient_vector(gradients), numeric) <= 1e-7


def test_relu_kink_subgradient_in_bounds():
    # z_1 of unit 0 is 1 * 2 + 2 * (-1) + 0 = 0 exactly, so ReLU sits at its kink.
    network = Network([2, 2, 2], activation="relu")
    network.set_parameters([
        (np.array([[2.0, 1.0], [-1.0, 0.5]]), np.zeros(2)),
        (np.array([[1.5, -1.0], [0.5, 1.0]]), np.array([0.1, -0.1])),
    ])
    X = np.array([[1.0, 2.0]])
    z = np.array([1])
    cache, _ = network.forward(X)
    assert cache.z[1][0, 0] == 0.0

    _, gradients = network.loss_and_gradients(X, z)
    analytic = network.gradient_vector(gradients)
    loss_at = network.loss_function(X, z)
    theta = network.get_parameter_vector()

    # theta is W_1 row by row, then b_1: entries 0 and 2 feed unit 0, and entry 4 is its bias.
    for index in (0, 2, 4):
        left, right = one_sided_differences(loss_at, theta, index)
        assert abs(left - right) > 1e-3, f"entry {index} is not at a kink"
        assert min(left, right) - 1e-6 <= analytic[index] <= max(left, right) + 1e-6, f"entry {index}"
    assert analytic[4] == 0.0


# ---------------------------------------------------------------------------
# Literal values for a 2-2-2 network
# ---------------------------------------------------------------------------

@pytest.fixture
def tiny_network():
    r"""A 2-2-2 ReLU network with weights chosen so every number is easy to follow.

    x = (1, 2): z_1 = W_1^T x + b_1 = (1, -1), a_1 = (1, 0), p = W_2^T a_1 = (1, -1).
    """
    network = Network([2, 2, 2], activation="relu")
    network.set_parameters([
        (np.array([[1.0, -1.0], [0.0, 1.0]]), np.array([0.0, -2.0])),
        (np.array([[1.0, -1.0], [2.0, 0.5]]), np.zeros(2)),
    ])
    return network


def test_tiny_network_forward_literal(tiny_network):
    cache, logits = tiny_network.forward([[1.0, 2.0]])

    np.testing.assert_array_equal(cache.z[1], [[1.0, -1.0]])
    np.testing.assert_array_equal(cache.a[1], [[1.0, 0.0]])
    np.testing.assert_array_equal(logits, [[1.0, -1.0]])
    np.testing.assert_allclose(tiny_network.predict_proba([[1.0, 2.0]]), [[0.8807970779778824, 0.11920292202211757]], rtol=1e-14)


def test_tiny_network_backward_literal(tiny_network):
    # f = softmax(1, -1) = (e^2, 1) / (1 + e^2); with z = 1, f - y = (0.8808, -0.8808).
    f0 = 0.8807970779778824
    loss, gradients = tiny_network.loss_and_gradients([[1.0, 2.0]], [1])

    assert loss == pytest.approx(2.1269280110429722, rel=1e-14)
    np.testing.assert_allclose(gradients[2].delta, [[f0, -f0]], rtol=1e-14)
    np.testing.assert_allclose(gradients[2].dW, [[f0, -f0], [0.0, 0.0]], rtol=1e-14)
    np.testing.assert_allclose(gradients[2].db, [f0, -f0], rtol=1e-14)
    np.testing.assert_allclose(gradients[2].da_prev, [[1.7615941559557649, 1.3211956169668237]], rtol=1e-14)

    np.testing.assert_allclose(gradients[1].delta, [[1.7615941559557649, 0.0]], rtol=1e-14)
    np.testing.assert_allclose(gradients[1].dW, [[1.7615941559557649, 0.0], [3.5231883119115297, 0.0]], rtol=1e-14)
    np.testing.assert_allclose(gradients[1].db, [1.7615941559557649, 0.0], rtol=1e-14)
    np.testing.assert_allclose(gradients[1].da_prev, [[1.7615941559557649, 0.0]], rtol=1e-14)


def test_tiny_network_predictions_literal(tiny_network):
    X = [[1.0, 2.0], [0.0, 3.0]]

    # p = (1, -1) for the first example and (2, 0.5) for the second.
    np.testing.assert_array_equal(tiny_network.predict(X), [0, 0])
    assert tiny_network.accuracy(X, [0, 1]) == 0.5


# ---------------------------------------------------------------------------
# The backward pass as a chain of Jacobian-transpose products
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_steps_compose_to_backward(activation):
    network = Network(make_layer_sizes(3), activation=activation, seed=4)
    X, z = make_batch(seed=4)
    cache, logits = network.forward(X)
    dlogits = np.random.default_rng(0).normal(size=logits.shape)

    expected = network.backward(cache, dlogits)

    delta = network.activation_backward(cache, 3, dlogits)
    dW3, db3, da2 = network.linear_backward(cache, 3, delta)
    delta = network.activation_backward(cache, 2, da2)
    dW2, db2, da1 = network.linear_backward(cache, 2, delta)
    delta = network.activation_backward(cache, 1, da1)
    dW1, db1, da0 = network.linear_backward(cache, 1, delta)

    for k, dW, db, da_prev in ((3, dW3, db3, da2), (2, dW2, db2, da1), (1, dW1, db1, da0)):
        np.testing.assert_array_equal(expected[k].dW, dW)
        np.testing.assert_array_equal(expected[k].db, db)
        np.testing.assert_array_equal(expected[k].da_prev, da_prev)


def test_activation_backward_diagonal_jacobian():
    network = Network(make_layer_sizes(3), activation="tanh", seed=5)
    X, _ = make_batch(seed=5)
    cache, _ = network.forward(X)
    upstream = np.random.default_rng(1).normal(size=cache.z[2].shape)

    result = network.activation_backward(cache, 2, upstream)

    for i in range(len(X)):
        jacobian = np.diag(1 - np.tanh(cache.z[2][i]) ** 2)
        np.testing.assert_allclose(result[i], jacobian.T @ upstream[i], rtol=1e-14)


def test_linear_backward_jacobian_transpose():
    network = Network(make_layer_sizes(3), activation="relu", seed=5)
    X, _ = make_batch(seed=5, n_samples=3)
    cache, _ = network.forward(X)
    delta = np.random.default_rng(2).normal(size=cache.z[2].shape)

    dW, db, da_prev = network.linear_backward(cache, 2, delta)

    # dz_2/da_1 = W_2^T, so the product with its transpose is W_2 delta.
    W = network.weights[2]
    np.testing.assert_allclose(da_prev, np.stack([W @ delta[i] for i in range(3)]), rtol=1e-14)
    np.testing.assert_allclose(dW, sum(np.outer(cache.a[1][i], delta[i]) for i in range(3)), rtol=1e-14)
    np.testing.assert_allclose(db, delta.sum(axis=0), rtol=1e-14)


def test_output_activation_backward_passes_through():
    network = Network(make_layer_sizes(2), activation="sigmoid", seed=1)
    X, _ = make_batch(seed=1)
    cache, logits = network.forward(X)
    upstream = np.ones_like(logits)

    np.testing.assert_array_equal(network.activation_backward(cache, 2, upstream), upstream)
    np.testing.assert_array_equal(cache.a[2], logits)
    np.testing.assert_array_equal(cache.logits, logits)


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

def test_parameter_vector_round_trip():
    network = Network(make_layer_sizes(3), seed=0)
    theta = np.arange(network.n_parameters, dtype=np.float64)

    network.set_parameter_vector(theta)

    np.testing.assert_array_equal(network.get_parameter_vector(), theta)
    np.testing.assert_array_equal(network.weights[1].ravel(), theta[:25])
    np.testing.assert_array_equal(network.biases[1], theta[25:30])
    assert network.n_parameters == (5 + 1) * 5 + (5 + 1) * 6 + (6 + 1) * 4


def test_copy_is_independent():
    network = Network(make_layer_sizes(2), seed=0)
    duplicate = network.copy()

    duplicate.weights[1][0, 0] += 1.0

    assert network.weights[1][0, 0] != duplicate.weights[1][0, 0]


def test_parameters_are_live_arrays():
    network = Network(make_layer_sizes(2), seed=0)
    W, b = network.parameters()[0]

    W[0, 0] = 42.0
    b[0] = -1.0

    assert network.weights[1][0, 0] == 42.0
    assert network.biases[1][0] == -1.0


def test_loss_function_leaves_network_unchanged():
    network = Network(make_layer_sizes(2), seed=0)
    X, z = make_batch(seed=0)
    theta = network.get_parameter_vector()

    network.loss_function(X, z)(np.zeros_like(theta))

    np.testing.assert_array_equal(network.get_parameter_vector(), theta)


def test_same_seed_same_weights():
    first = Network(make_layer_sizes(3), init="glorot", seed=7)
    second = Network(make_layer_sizes(3), init="glorot", seed=7)

    np.testing.assert_array_equal(first.get_parameter_vector(), second.get_parameter_vector())


def test_overflowing_logits_give_nan_loss():
    network = Network(make_layer_sizes(1), seed=0)
    network.weights[1][...] = 1e308
    X, z = make_batch(seed=0)

    with np.errstate(over="ignore", invalid="ignore"):
        loss, gradients = network.loss_and_gradients(X, z)

    assert np.isnan(loss)
    assert np.all(np.isnan(gradients[1].dW))


# ---------------------------------------------------------------------------
# Activations and initialisers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_derivative_matches_finite_differences(name):
    activation = ACTIVATIONS[name]
    z = np.array([-3.0, -0.7, -0.01, 0.02, 0.5, 2.5])

    numeric = numerical_gradient(lambda values: activation.function(values).sum(), z)

    np.testing.assert_allclose(activation.derivative(z), numeric, rtol=1e-8, atol=1e-10)


def test_relu_derivative_at_zero_is_zero():
    assert relu_derivative(0.0) == 0.0
    assert leaky_relu_derivative(0.0, slope=0.1) == 0.1


def test_sigmoid_stable_for_large_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1000.0, -40.0, 0.0, 40.0, 1000.0]))

    assert values[0] == 0.0
    assert values[2] == 0.5
    assert values[4] == 1.0
    assert values[1] == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_glorot_variance():
    W = glorot_uniform(400, 600, np.random.default_rng(0))

    assert W.shape == (400, 600)
    assert W.var() == pytest.approx(2 / (400 + 600), rel=0.02)
    assert np.max(np.abs(W)) <= np.sqrt(6 / 1000)


def test_he_variance():
    W = he_normal(400, 600, np.random.default_rng(0))

    assert W.var() == pytest.approx(2 / 400, rel=0.02)


def test_gaussian_scale_and_zero_biases():
    W, b = initialize_layer("gaussian", 400, 600, seed=0, scale=0.01)

    assert W.std() == pytest.approx(0.01, rel=0.02)
    np.testing.assert_array_equal(b, np.zeros(600))


def test_initializer_accepts_generator():
    rng = np.random.default_rng(3)
    first, _ = initialize_layer("he", 3, 4, seed=rng)
    second, _ = initialize_layer("he", 3, 4, seed=rng)
    again, _ = initialize_layer("he", 3, 4, seed=np.random.default_rng(3))

    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, second)


# ---------------------------------------------------------------------------
# Invalid input
# ---------------------------------------------------------------------------

def test_rejects_wrong_number_of_features():
    network = Network([5, 3], seed=0)

    with pytest.raises(ValueError, match=r"X must have shape \(n_samples, 5\), got shape \(2, 4\)"):
        network.forward(np.zeros((2, 4)))


def test_rejects_one_dimensional_input():
    network = Network([5, 3], seed=0)

    with pytest.raises(ValueError, match=r"got shape \(5,\).*reshape\(1, -1\)"):
        network.forward(np.zeros(5))


def test_rejects_non_finite_input():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match="X must be finite"):
        network.forward([[0.0, np.nan]])


def test_rejects_labels_out_of_range():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match=r"class indices in \[0, 2\], got values from 0 to 3"):
        network.loss_and_gradients(np.zeros((2, 2)), [0, 3])


def test_rejects_labels_of_wrong_shape():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match=r"z must have shape \(2,\).*got shape \(3,\)"):
        network.loss_and_gradients(np.zeros((2, 2)), [0, 1, 2])


def test_rejects_fractional_labels():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match="integer class indices, got dtype float64"):
        network.accuracy(np.zeros((2, 2)), [0.5, 1.0])


def test_rejects_zero_width():
    with pytest.raises(ValueError, match=r"positive integers, got 0 at position 1 of \[4, 0, 3\]"):
        Network([4, 0, 3])


def test_rejects_single_layer_size():
    with pytest.raises(ValueError, match=r"at least the input width N and the number of classes T, got \[4\]"):
        Network([4])


def test_rejects_one_class():
    with pytest.raises(ValueError, match="must be >= 2, got 1"):
        Network([4, 1])


def test_rejects_depth_beyond_maximum():
    Network([3] * (MAX_DEPTH + 1))

    with pytest.raises(ValueError, match=r"depth \(the number of weight layers\) must be from 1 to 20, got 21"):
        Network([3] * (MAX_DEPTH + 2))


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"activation": "softplus"}, r"activation must be one of \['identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh'\], got 'softplus'"),
        ({"init": "xavier"}, r"init must be one of \['gaussian', 'glorot', 'he'\], got 'xavier'"),
        ({"loss": "log_loss"}, r"loss must be one of \[.*'cross_entropy'.*\], got 'log_loss'"),
        ({"init_scale": 0.0}, r"init scale must be a finite number > 0, got 0.0"),
        ({"activation": "relu", "slope": 0.1}, r'slope applies only to activation "leaky_relu", got slope=0.1 with \'relu\''),
    ],
)
def test_rejects_unknown_names(arguments, message):
    with pytest.raises(ValueError, match=message):
        Network([2, 3], **arguments)


def test_get_activation_lists_names():
    with pytest.raises(ValueError, match=r"one of \['identity', 'leaky_relu', 'relu', 'sigmoid', 'tanh'\], got 'gelu'"):
        get_activation("gelu")


def test_rejects_layer_index_out_of_range():
    network = Network([2, 3, 2], seed=0)
    cache, _ = network.forward(np.zeros((1, 2)))

    with pytest.raises(ValueError, match="k must be a layer index from 1 to 2, got 3"):
        network.linear_backward(cache, 3, np.zeros((1, 2)))


def test_rejects_delta_of_wrong_shape():
    network = Network([2, 3, 2], seed=0)
    cache, _ = network.forward(np.zeros((1, 2)))

    with pytest.raises(ValueError, match=r"delta must have shape \(1, 3\), got \(1, 2\)"):
        network.linear_backward(cache, 1, np.zeros((1, 2)))


def test_rejects_parameter_vector_of_wrong_length():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match=r"theta must have shape \(9,\), got \(8,\)"):
        network.set_parameter_vector(np.zeros(8))


def test_rejects_parameters_of_wrong_shape():
    network = Network([2, 3], seed=0)

    with pytest.raises(ValueError, match=r"W_1 must have shape \(2, 3\), got \(3, 2\)"):
        network.set_parameters([(np.zeros((3, 2)), np.zeros(3))])
