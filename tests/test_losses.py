"""Tests for backprop_viz.losses: hand values, gradient checks, PyTorch, properties, bad input."""
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from backprop_viz.gradcheck import numerical_gradient, one_sided_differences, relative_error
from backprop_viz.losses import (
    LOSSES,
    Loss,
    absolute_difference,
    absolute_difference_grad,
    cosine_distance,
    cosine_distance_grad,
    cross_entropy,
    cross_entropy_grad,
    get_loss,
    gradient_wrt_logits,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    mean_squared_error,
    mean_squared_error_grad,
)

PREDICTIONS = np.array([[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]])
LABELS = np.array([[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]])
# PREDICTIONS - LABELS = [[3, -1, 10], [13, 3, -3]]

REDUCTIONS = ("none", "sum", "mean")
REGRESSION_LOSSES = ("absolute_difference", "cosine_distance", "huber", "mean_squared_error")

# Room for rounding in the one-sided difference quotients, which carry an
# error of about eps * |L| / h = 1e-10 with h = 1e-6.
ROUNDING_SLACK = 1e-8


# ---------------------------------------------------------------------------
# Absolute difference and mean squared error: hand values
# ---------------------------------------------------------------------------

def test_absolute_difference_mean():
    assert absolute_difference(PREDICTIONS, LABELS) == pytest.approx(5.5)


def test_absolute_difference_sum():
    assert absolute_difference(PREDICTIONS, LABELS, reduction="sum") == pytest.approx(33.0)


def test_absolute_difference_none():
    losses = absolute_difference(PREDICTIONS, LABELS, reduction="none")
    assert losses == pytest.approx(np.array([[3.0, 1.0, 10.0], [13.0, 3.0, 3.0]]))


def test_mean_squared_error_mean():
    assert mean_squared_error(PREDICTIONS, LABELS) == pytest.approx(49.5)


def test_mean_squared_error_sum():
    assert mean_squared_error(PREDICTIONS, LABELS, reduction="sum") == pytest.approx(297.0)


def test_mean_squared_error_none():
    losses = mean_squared_error(PREDICTIONS, LABELS, reduction="none")
    assert losses == pytest.approx(np.array([[9.0, 1.0, 100.0], [169.0, 9.0, 9.0]]))


def test_mean_squared_error_grad_sum():
    grad = mean_squared_error_grad(PREDICTIONS, LABELS, reduction="sum")
    assert grad == pytest.approx(np.array([[6.0, -2.0, 20.0], [26.0, 6.0, -6.0]]))


# ---------------------------------------------------------------------------
# Weights and the mean over non-zero weights
# ---------------------------------------------------------------------------

COLUMN_WEIGHTS = np.array([0.5, 0.0, 2.0])  # broadcast over the rows: 4 non-zero weights


def test_absolute_difference_weighted_mean():
    # (3 * 0.5 + 10 * 2 + 13 * 0.5 + 3 * 2) / 4 = 34 / 4
    assert absolute_difference(PREDICTIONS, LABELS, weights=COLUMN_WEIGHTS) == pytest.approx(8.5)


def test_absolute_difference_weighted_sum():
    value = absolute_difference(PREDICTIONS, LABELS, weights=COLUMN_WEIGHTS, reduction="sum")
    assert value == pytest.approx(34.0)


def test_absolute_difference_weighted_none():
    losses = absolute_difference(PREDICTIONS, LABELS, weights=COLUMN_WEIGHTS, reduction="none")
    assert losses == pytest.approx(np.array([[1.5, 0.0, 20.0], [6.5, 0.0, 6.0]]))


def test_mean_squared_error_weighted_mean():
    # (9 * 0.5 + 100 * 2 + 169 * 0.5 + 9 * 2) / 4 = 307 / 4
    assert mean_squared_error(PREDICTIONS, LABELS, weights=COLUMN_WEIGHTS) == pytest.approx(76.75)


def test_absolute_difference_grad_weighted_mean():
    grad = absolute_difference_grad(PREDICTIONS, LABELS, weights=COLUMN_WEIGHTS)
    assert grad == pytest.approx(np.array([[0.125, 0.0, 0.5], [0.125, 0.0, -0.5]]))


def test_mean_counts_weights_after_broadcast():
    # One non-zero row weight covers 3 elements: (3 + 1 + 10) * 2 / 3.
    weights = np.array([[2.0], [0.0]])
    assert absolute_difference(PREDICTIONS, LABELS, weights=weights) == pytest.approx(28.0 / 3.0)


def test_scalar_weight_scales_mean_sum():
    value = absolute_difference(PREDICTIONS, LABELS, weights=3.0, reduction="sum")
    assert value == pytest.approx(99.0)


def test_scalar_weight_keeps_mean():
    # Every weight is non-zero, so the mean divides the tripled sum by 6.
    assert absolute_difference(PREDICTIONS, LABELS, weights=3.0) == pytest.approx(16.5)


@pytest.mark.parametrize("name", REGRESSION_LOSSES + ("hinge",))
def test_zero_weights_mean_is_zero(name):
    labels = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]])
    loss = get_loss(name)
    value, grad = loss.value_and_grad(PREDICTIONS, labels, weights=0.0)
    assert value == 0.0
    assert np.all(grad == 0.0)


def test_cross_entropy_zero_weights_mean_is_zero():
    value = cross_entropy(PREDICTIONS, [0, 2], weights=[0.0, 0.0])
    grad = cross_entropy_grad(PREDICTIONS, [0, 2], weights=[0.0, 0.0])
    assert value == 0.0
    assert np.all(grad == 0.0)


# ---------------------------------------------------------------------------
# Huber
# ---------------------------------------------------------------------------

def test_huber_at_delta_value():
    losses = huber([2.5, -1.0], [0.5, 1.0], delta=2.0, reduction="none")  # e = [2, -2]
    assert losses == pytest.approx(np.array([2.0, 2.0]))  # 0.5 * delta^2


def test_huber_at_plus_delta_grad_exact():
    grad = huber_grad([2.5, -1.0], [0.5, 1.0], delta=2.0, reduction="sum")
    assert grad[0] == 2.0


def test_huber_at_minus_delta_grad_exact():
    grad = huber_grad([2.5, -1.0], [0.5, 1.0], delta=2.0, reduction="sum")
    assert grad[1] == -2.0


def test_huber_both_branches():
    losses = huber([0.5, 3.0], [0.0, 0.0], delta=2.0, reduction="none")
    assert losses == pytest.approx(np.array([0.125, 4.0]))  # 0.5 * 0.5^2 and 2 * (3 - 1)


def test_huber_both_branches_grad():
    grad = huber_grad([0.5, 3.0], [0.0, 0.0], delta=2.0, reduction="sum")
    assert grad == pytest.approx(np.array([0.5, 2.0]))


def test_huber_default_delta_is_one():
    # e = [0.5, -3]: 0.125 and 1 * (3 - 0.5), averaged.
    assert huber([0.5, -3.0], [0.0, 0.0]) == pytest.approx(1.3125)


# ---------------------------------------------------------------------------
# Hinge
# ---------------------------------------------------------------------------

HINGE_LOGITS = np.array([-0.5, 0.2, 2.0, -3.0])
# t * logits = [0.5, 0.2, 2.0, 3.0], so the losses are [0.5, 0.8, 0, 0].


def test_hinge_zero_one_labels():
    assert hinge(HINGE_LOGITS, [0, 1, 1, 0]) == pytest.approx(0.325)


def test_hinge_signed_labels():
    assert hinge(HINGE_LOGITS, [-1, 1, 1, -1]) == pytest.approx(0.325)


def test_hinge_signed_labels_none():
    losses = hinge([0.25, 0.5], [1, -1], reduction="none")
    assert losses == pytest.approx(np.array([0.75, 1.5]))


def test_hinge_grad_zero_one_labels():
    grad = hinge_grad(HINGE_LOGITS, [0, 1, 1, 0], reduction="sum")
    assert grad == pytest.approx(np.array([1.0, -1.0, 0.0, 0.0]))


def test_hinge_grad_signed_labels():
    grad = hinge_grad([0.25, 0.5], [1, -1], reduction="sum")
    assert grad == pytest.approx(np.array([-1.0, 1.0]))


def test_hinge_grad_at_margin_is_zero():
    grad = hinge_grad([1.0, -1.0], [1, 0], reduction="sum")
    assert np.all(grad == 0.0)


def test_hinge_all_ones_labels():
    # [1, 1] is in both label sets and means t = +1 either way.
    assert hinge([0.25, 2.0], [1, 1], reduction="sum") == pytest.approx(0.75)


# ---------------------------------------------------------------------------
# Cosine distance
# ---------------------------------------------------------------------------

def test_cosine_distance_zero_vectors_loss():
    predictions = [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    labels = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    losses = cosine_distance(predictions, labels, reduction="none")
    assert losses == pytest.approx(np.array([1.0, 1.0, 1.0]))


def test_cosine_distance_zero_vectors_grad():
    predictions = [[0.0, 0.0, 0.0], [1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]
    labels = [[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    grad = cosine_distance_grad(predictions, labels, reduction="sum")
    assert np.all(grad == 0.0)


def test_cosine_distance_parallel():
    assert cosine_distance([1.0, 2.0, 3.0], [2.0, 4.0, 6.0]) == pytest.approx(0.0, abs=1e-15)


def test_cosine_distance_opposite():
    assert cosine_distance([1.0, 2.0, 3.0], [-2.0, -4.0, -6.0]) == pytest.approx(2.0)


def test_cosine_distance_clipped_at_zero():
    # Unclipped, rounding puts the cosine of these parallel vectors at 1 + 2.2e-16.
    predictions = np.array([-0.1, 0.6, -0.5])
    assert cosine_distance(predictions, 2.0 * predictions) >= 0.0


def test_cosine_distance_orthogonal():
    assert cosine_distance([1.0, 0.0], [0.0, 1.0]) == pytest.approx(1.0)


def test_cosine_distance_45_degrees():
    assert cosine_distance([1.0, 0.0], [1.0, 1.0]) == pytest.approx(1.0 - 1.0 / np.sqrt(2.0))


def test_cosine_distance_grad_orthogonal():
    # (cos * p_hat - y_hat) / |p| with cos = 0, |p| = 2.
    grad = cosine_distance_grad([2.0, 0.0], [0.0, 1.0], reduction="sum")
    assert grad == pytest.approx(np.array([0.0, -0.5]))


def test_cosine_distance_axis_zero_shape():
    losses = cosine_distance(PREDICTIONS, LABELS, axis=0, reduction="none")
    assert losses.shape == (3,)


def test_cosine_distance_axis_zero_columns():
    losses = cosine_distance(PREDICTIONS, LABELS, axis=0, reduction="none")
    expected = [cosine_distance(PREDICTIONS[:, k], LABELS[:, k]) for k in range(3)]
    assert losses == pytest.approx(np.array(expected))


# ---------------------------------------------------------------------------
# Cross-entropy
# ---------------------------------------------------------------------------

# softmax rows: [1/8, 2/8, 5/8] and [1/4, 1/4, 1/2]
CE_LOGITS = np.log([[1.0, 2.0, 5.0], [1.0, 1.0, 2.0]])


def test_cross_entropy_indices_none():
    losses = cross_entropy(CE_LOGITS, [2, 0], reduction="none")
    assert losses == pytest.approx(np.array([np.log(1.6), np.log(4.0)]))


def test_cross_entropy_indices_mean():
    assert cross_entropy(CE_LOGITS, [2, 0]) == pytest.approx((np.log(1.6) + np.log(4.0)) / 2)


def test_cross_entropy_probability_target():
    target = [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0]]
    losses = cross_entropy(CE_LOGITS, target, reduction="none")
    assert losses == pytest.approx(np.array([0.5 * np.log(6.4), np.log(4.0)]))


def test_cross_entropy_one_hot_matches_indices():
    one_hot = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert cross_entropy(CE_LOGITS, one_hot) == pytest.approx(cross_entropy(CE_LOGITS, [2, 0]))


def test_cross_entropy_label_smoothing():
    # s = 0.3 and T = 3 turn the one-hot row of class 2 into [0.1, 0.1, 0.8].
    value = cross_entropy(CE_LOGITS[0], 2, label_smoothing=0.3)
    assert value == pytest.approx(0.1 * np.log(8.0) + 0.1 * np.log(4.0) + 0.8 * np.log(1.6))


def test_cross_entropy_label_smoothing_grad():
    grad = cross_entropy_grad(CE_LOGITS[0], 2, label_smoothing=0.3)
    assert grad == pytest.approx(np.array([0.125 - 0.1, 0.25 - 0.1, 0.625 - 0.8]))


def test_cross_entropy_grad_is_f_minus_y():
    grad = cross_entropy_grad(CE_LOGITS, [2, 0], reduction="sum")
    assert grad == pytest.approx(np.array([[0.125, 0.25, -0.375], [-0.75, 0.25, 0.5]]))


def test_cross_entropy_weighted_mean():
    value = cross_entropy(CE_LOGITS, [2, 0], weights=[2.0, 0.0])
    assert value == pytest.approx(2.0 * np.log(1.6))


def test_cross_entropy_single_example_shape():
    losses = cross_entropy(CE_LOGITS[0], 2, reduction="none")
    assert losses.shape == ()


def test_cross_entropy_huge_logits_finite():
    assert cross_entropy([1000.0, 2000.0, 3000.0], 0) == pytest.approx(2000.0)


def test_cross_entropy_huge_logits_grad():
    grad = cross_entropy_grad([1000.0, 2000.0, 3000.0], 0)
    assert grad == pytest.approx(np.array([-1.0, 0.0, 1.0]))


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

def test_registry_order():
    assert list(LOSSES) == [
        "absolute_difference",
        "cosine_distance",
        "cross_entropy",
        "hinge",
        "huber",
        "mean_squared_error",
    ]


def test_registry_label():
    assert LOSSES["mean_squared_error"].label == "Mean squared error"


def test_registry_takes_logits():
    assert {name for name, loss in LOSSES.items() if loss.takes_logits} == {"cross_entropy", "hinge"}


def test_get_loss_returns_entry():
    loss = get_loss("huber")
    assert isinstance(loss, Loss)
    assert loss is LOSSES["huber"]


def test_loss_value_and_grad():
    value, grad = get_loss("huber").value_and_grad(PREDICTIONS, LABELS, delta=2.0, reduction="sum")
    assert value == pytest.approx(huber(PREDICTIONS, LABELS, delta=2.0, reduction="sum"))
    assert grad == pytest.approx(huber_grad(PREDICTIONS, LABELS, delta=2.0, reduction="sum"))


# ---------------------------------------------------------------------------
# Gradients against finite differences
# ---------------------------------------------------------------------------

def _away_from(kink_values, size, rng):
    """Draw values at least 0.1 from each kink, within 1 of one of them."""
    centres = rng.choice(np.asarray(kink_values) + 0.5, size=size) * rng.choice([-1.0, 1.0], size=size)
    return centres + rng.uniform(-0.4, 0.4, size=size)


def make_case(name, weighted, seed=0):
    """Return predictions, labels and keyword arguments that keep every element away from kinks."""
    rng = np.random.default_rng(seed)
    shape = (4, 3)

    if name in ("absolute_difference", "mean_squared_error"):
        predictions = rng.normal(size=shape)
        labels = predictions - _away_from([0.0], shape, rng)
        kwargs = {}
    elif name == "huber":
        predictions = rng.normal(size=shape)
        # |e| in [0.1, 0.9] or [1.1, 1.9]: both branches, away from delta = 1.
        labels = predictions - _away_from([0.0, 1.0], shape, rng)
        kwargs = {"delta": 1.0}
    elif name == "hinge":
        labels = rng.integers(0, 2, size=shape).astype(np.float64)
        margins = rng.choice([-1.0, 0.4, 2.0], size=shape) + rng.uniform(-0.3, 0.3, size=shape)
        predictions = (2 * labels - 1) * margins
        kwargs = {}
    elif name == "cosine_distance":
        predictions = rng.normal(size=shape)
        labels = rng.normal(size=shape)
        kwargs = {}
    else:
        predictions = 2 * rng.normal(size=shape)
        labels = rng.integers(0, 3, size=shape[0])
        kwargs = {"label_smoothing": 0.1}

    if weighted:
        per_example = name in ("cosine_distance", "cross_entropy")
        weights = rng.uniform(0.5, 2.0, size=shape[0] if per_example else shape)
        weights[0] = 0.0
        kwargs["weights"] = weights
    return predictions, labels, kwargs


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(LOSSES))
def test_grad_matches_finite_differences(name, weighted, reduction):
    predictions, labels, kwargs = make_case(name, weighted)
    loss = get_loss(name)

    def total(theta):
        return np.sum(loss.value(theta, labels, reduction=reduction, **kwargs))

    numeric = numerical_gradient(total, predictions)
    analytic = loss.grad(predictions, labels, reduction=reduction, **kwargs)
    assert relative_error(analytic, numeric) <= 1e-7


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cosine_distance_axis_zero_finite_differences(reduction):
    predictions, labels, _ = make_case("cosine_distance", weighted=False)

    def total(theta):
        return np.sum(cosine_distance(theta, labels, axis=0, reduction=reduction))

    numeric = numerical_gradient(total, predictions)
    analytic = cosine_distance_grad(predictions, labels, axis=0, reduction=reduction)
    assert relative_error(analytic, numeric) <= 1e-7


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_probability_finite_differences(reduction):
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(4, 3))
    target = rng.uniform(size=(4, 3))
    target /= target.sum(axis=-1, keepdims=True)

    def total(theta):
        return np.sum(cross_entropy(theta, target, reduction=reduction))

    numeric = numerical_gradient(total, logits)
    analytic = cross_entropy_grad(logits, target, reduction=reduction)
    assert relative_error(analytic, numeric) <= 1e-7


# ---------------------------------------------------------------------------
# Subgradients at kinks
# ---------------------------------------------------------------------------

KINK_CASES = [
    # (loss name, predictions, labels, keyword arguments, index of the kink)
    ("absolute_difference", [0.3, 1.0], [0.3, 2.0], {}, 0),
    ("hinge", [1.0, -1.0], [1.0, 0.0], {}, 0),
    ("hinge", [1.0, -1.0], [1.0, 0.0], {}, 1),
    ("huber", [2.5, -1.0], [0.5, 1.0], {"delta": 2.0}, 0),
    ("huber", [2.5, -1.0], [0.5, 1.0], {"delta": 2.0}, 1),
]


@pytest.mark.parametrize("name, predictions, labels, kwargs, index", KINK_CASES)
def test_subgradient_between_one_sided_differences(name, predictions, labels, kwargs, index):
    loss = get_loss(name)

    def total(theta):
        return loss.value(theta, labels, reduction="sum", **kwargs)

    left, right = one_sided_differences(total, predictions, index)
    subgradient = loss.grad(predictions, labels, reduction="sum", **kwargs)[index]
    assert left - ROUNDING_SLACK <= subgradient
    assert subgradient <= right + ROUNDING_SLACK


def test_kink_case_not_differentiable():
    # Guards the kink test above: the case sits where the loss is not differentiable.
    left, right = one_sided_differences(lambda theta: absolute_difference(theta, [0.3], reduction="sum"), [0.3], 0)
    assert left == pytest.approx(-1.0)
    assert right == pytest.approx(1.0)


# ---------------------------------------------------------------------------
# Gradients against PyTorch autograd
# ---------------------------------------------------------------------------

def torch_per_element(name, predictions, labels, kwargs):
    """Rewrite each per-element (or per-example) loss in torch ops."""
    if name == "absolute_difference":
        return F.l1_loss(predictions, labels, reduction="none")
    if name == "mean_squared_error":
        return F.mse_loss(predictions, labels, reduction="none")
    if name == "huber":
        return F.huber_loss(predictions, labels, reduction="none", delta=kwargs.get("delta", 1.0))
    if name == "hinge":
        return torch.relu(1 - (2 * labels - 1) * predictions)
    if name == "cosine_distance":
        return 1 - F.cosine_similarity(predictions, labels, dim=-1)
    return F.cross_entropy(
        predictions, labels, reduction="none", label_smoothing=kwargs.get("label_smoothing", 0.0)
    )


def torch_reduce(per_element, weights, reduction):
    """Reduce as TensorFlow 1 does: "mean" divides by the number of non-zero weights."""
    if weights is None:
        weights = torch.ones_like(per_element)
    weights = torch.as_tensor(weights, dtype=torch.float64).expand_as(per_element)

    weighted = per_element * weights
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return weighted.sum()
    return weighted.sum() / torch.count_nonzero(weights)


def torch_labels(name, labels):
    dtype = torch.int64 if name == "cross_entropy" else torch.float64
    return torch.as_tensor(labels, dtype=dtype)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(LOSSES))
def test_value_matches_torch(name, weighted, reduction):
    predictions, labels, kwargs = make_case(name, weighted, seed=2)
    loss_kwargs = {key: value for key, value in kwargs.items() if key != "weights"}

    per_element = torch_per_element(name, torch.tensor(predictions), torch_labels(name, labels), loss_kwargs)
    expected = torch_reduce(per_element, kwargs.get("weights"), reduction).numpy()

    value = get_loss(name).value(predictions, labels, reduction=reduction, **kwargs)
    assert value == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("name", list(LOSSES))
def test_grad_matches_torch(name, weighted, reduction):
    predictions, labels, kwargs = make_case(name, weighted, seed=3)
    loss_kwargs = {key: value for key, value in kwargs.items() if key != "weights"}

    p = torch.tensor(predictions, requires_grad=True)
    per_element = torch_per_element(name, p, torch_labels(name, labels), loss_kwargs)
    torch_reduce(per_element, kwargs.get("weights"), reduction).sum().backward()

    grad = get_loss(name).grad(predictions, labels, reduction=reduction, **kwargs)
    assert relative_error(grad, p.grad.numpy()) <= 1e-10


def test_cross_entropy_probability_grad_matches_torch():
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(5, 4))
    target = rng.uniform(size=(5, 4))
    target /= target.sum(axis=-1, keepdims=True)

    p = torch.tensor(logits, requires_grad=True)
    F.cross_entropy(p, torch.tensor(target), reduction="sum", label_smoothing=0.2).backward()

    grad = cross_entropy_grad(logits, target, reduction="sum", label_smoothing=0.2)
    assert relative_error(grad, p.grad.numpy()) <= 1e-10


def test_huber_grad_matches_torch_delta():
    predictions, labels, _ = make_case("huber", weighted=False, seed=5)

    p = torch.tensor(predictions, requires_grad=True)
    F.huber_loss(p, torch.tensor(labels), reduction="sum", delta=0.7).backward()

    grad = huber_grad(predictions, labels, delta=0.7, reduction="sum")
    assert relative_error(grad, p.grad.numpy()) <= 1e-10


# ---------------------------------------------------------------------------
# gradient_wrt_logits: losses on top of softmax
# ---------------------------------------------------------------------------

SOFTMAX_LOGITS = np.array([[2.0, -1.0, 0.5], [0.1, 0.2, 3.0], [-2.0, 1.5, 1.0], [0.0, 0.0, 0.0]])
SOFTMAX_INDICES = np.array([0, 1, 2, 1])


def torch_through_softmax(name, logits, indices, reduction):
    """Return the loss and dL/dp from torch autograd through ``torch.softmax``."""
    p = torch.tensor(logits, requires_grad=True)
    target = torch.tensor(indices)

    if name == "cross_entropy":
        per_example = F.cross_entropy(p, target, reduction="none")
    else:
        f = torch.softmax(p, dim=-1)
        one_hot = F.one_hot(target, num_classes=logits.shape[-1]).to(torch.float64)
        per_example = torch_per_element(name, f, one_hot, {})

    value = torch_reduce(per_example, None, reduction)
    value.sum().backward()
    return value.detach().numpy(), p.grad.numpy()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(LOSSES))
def test_gradient_wrt_logits_value_matches_torch(name, reduction):
    value, _ = gradient_wrt_logits(name, SOFTMAX_LOGITS, SOFTMAX_INDICES, reduction=reduction)
    expected, _ = torch_through_softmax(name, SOFTMAX_LOGITS, SOFTMAX_INDICES, reduction)
    assert value == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", list(LOSSES))
def test_gradient_wrt_logits_grad_matches_torch(name, reduction):
    _, grad = gradient_wrt_logits(name, SOFTMAX_LOGITS, SOFTMAX_INDICES, reduction=reduction)
    _, expected = torch_through_softmax(name, SOFTMAX_LOGITS, SOFTMAX_INDICES, reduction)
    assert relative_error(grad, expected) <= 1e-10


@pytest.mark.parametrize("name", list(LOSSES))
def test_gradient_wrt_logits_one_hot_rows(name):
    one_hot = np.eye(3)[SOFTMAX_INDICES]
    _, from_rows = gradient_wrt_logits(name, SOFTMAX_LOGITS, one_hot)
    _, from_indices = gradient_wrt_logits(name, SOFTMAX_LOGITS, SOFTMAX_INDICES)
    assert from_rows == pytest.approx(from_indices, rel=1e-12)


def test_gradient_wrt_logits_f_minus_y():
    _, grad = gradient_wrt_logits("cross_entropy", CE_LOGITS, [2, 0], reduction="sum")
    assert grad == pytest.approx(np.array([[0.125, 0.25, -0.375], [-0.75, 0.25, 0.5]]))


def test_gradient_wrt_logits_mse_stalls():
    # Class 2 is correct but class 0 gets almost all the probability.
    _, grad = gradient_wrt_logits("mean_squared_error", [[10.0, 0.0, 0.0]], [2])
    assert np.max(np.abs(grad)) < 1e-3


def test_gradient_wrt_logits_cross_entropy_learns():
    _, grad = gradient_wrt_logits("cross_entropy", [[10.0, 0.0, 0.0]], [2])
    assert np.max(np.abs(grad)) > 0.99


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

@st.composite
def prediction_label_pairs(draw, bound=1e6):
    """Draw two float64 arrays of one shape with entries in [-bound, bound]."""
    shape = draw(array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5))
    # No subnormals: the cosine gradient has size 1 / |p| and rightly overflows for them.
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return draw(arrays(np.float64, shape, elements=elements)), draw(arrays(np.float64, shape, elements=elements))


@st.composite
def logits_and_indices(draw, bound=1e300):
    """Draw logits of shape (n, T) with entries in [-bound, bound] and class indices of shape (n,)."""
    n = draw(st.integers(1, 5))
    num_classes = draw(st.integers(1, 5))
    elements = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    logits = draw(arrays(np.float64, (n, num_classes), elements=elements))
    indices = draw(arrays(np.int64, (n,), elements=st.integers(0, num_classes - 1)))
    return logits, indices


@settings(max_examples=80, deadline=None)
@given(
    name=st.sampled_from(REGRESSION_LOSSES),
    pair=prediction_label_pairs(),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_regression_losses_finite_large_inputs(name, pair, reduction):
    predictions, labels = pair
    value, grad = get_loss(name).value_and_grad(predictions, labels, reduction=reduction)
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(grad))
    assert grad.shape == predictions.shape


@settings(max_examples=50, deadline=None)
@given(
    logits=arrays(np.float64, array_shapes(min_dims=1, max_dims=2, max_side=5), elements=st.floats(-1e6, 1e6)),
    data=st.data(),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_hinge_finite_large_inputs(logits, data, reduction):
    labels = data.draw(arrays(np.float64, logits.shape, elements=st.sampled_from([0.0, 1.0])))
    value, grad = get_loss("hinge").value_and_grad(logits, labels, reduction=reduction)
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(grad))
    assert grad.shape == logits.shape


@settings(max_examples=80, deadline=None)
@given(
    case=logits_and_indices(),
    smoothing=st.floats(0.0, 1.0),
    one_hot=st.booleans(),
    reduction=st.sampled_from(REDUCTIONS),
)
def test_cross_entropy_finite_huge_logits(case, smoothing, one_hot, reduction):
    logits, indices = case
    target = np.eye(logits.shape[-1])[indices] if one_hot else indices
    value = cross_entropy(logits, target, reduction=reduction, label_smoothing=smoothing)
    grad = cross_entropy_grad(logits, target, reduction=reduction, label_smoothing=smoothing)
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(grad))
    assert grad.shape == logits.shape


@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(list(LOSSES)), case=logits_and_indices())
def test_gradient_wrt_logits_finite_huge_logits(name, case):
    logits, indices = case
    value, grad = gradient_wrt_logits(name, logits, indices)
    assert np.all(np.isfinite(value))
    assert np.all(np.isfinite(grad))
    assert grad.shape == logits.shape


@settings(max_examples=50, deadline=None)
@given(case=logits_and_indices(bound=50.0))
def test_cross_entropy_grad_rows_sum_to_zero(case):
    logits, indices = case
    grad = cross_entropy_grad(logits, indices, reduction="sum")
    assert grad.sum(axis=-1) == pytest.approx(np.zeros(len(indices)), abs=1e-12)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------

LOSS_FUNCTIONS = [
    absolute_difference,
    absolute_difference_grad,
    cosine_distance,
    cosine_distance_grad,
    hinge,
    hinge_grad,
    huber,
    huber_grad,
    mean_squared_error,
    mean_squared_error_grad,
]


@pytest.mark.parametrize("function", LOSS_FUNCTIONS)
def test_mismatched_shapes_raise(function):
    with pytest.raises(ValueError, match=r"shape of (predictions|logits) \(2, 3\), got \(3, 2\)"):
        function(np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.mark.parametrize("function", [hinge, hinge_grad])
def test_hinge_label_two_raises(function):
    with pytest.raises(ValueError, match=re.escape("must all be in {0, 1} or all in {-1, 1}, got values [2.0]")):
        function([0.5, 0.5], [1.0, 2.0])


def test_hinge_mixed_label_sets_raise():
    with pytest.raises(ValueError, match=re.escape("all in {-1, 1}, got a mix of 0 and -1")):
        hinge([0.5, 0.5, 0.5], [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("delta", [-1.0, 0.0])
@pytest.mark.parametrize("function", [huber, huber_grad])
def test_huber_nonpositive_delta_raises(function, delta):
    with pytest.raises(ValueError, match=re.escape(f"delta must be a finite number > 0, got {delta!r}")):
        function([1.0], [0.0], delta=delta)


@pytest.mark.parametrize("function", [cosine_distance, cosine_distance_grad])
def test_cosine_distance_axis_out_of_range_raises(function):
    with pytest.raises(ValueError, match=re.escape("axis must be an integer in [-2, 1] for a 2-D array, got 2")):
        function(PREDICTIONS, LABELS, axis=2)


@pytest.mark.parametrize("function", [absolute_difference, absolute_difference_grad])
def test_weights_not_broadcasting_raise(function):
    message = "weights must broadcast to the per-element loss shape (2, 3), got shape (4,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        function(PREDICTIONS, LABELS, weights=np.ones(4))


def test_cross_entropy_weights_not_broadcasting_raise():
    message = "weights must broadcast to the per-element loss shape (2,), got shape (3,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        cross_entropy(CE_LOGITS, [0, 1], weights=np.ones(3))


@pytest.mark.parametrize("index", [3, -1])
@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad])
def test_cross_entropy_index_out_of_range_raises(function, index):
    message = f"target must contain class indices in [0, 2] for 3 classes, got [{index}]"
    with pytest.raises(ValueError, match=re.escape(message)):
        function(CE_LOGITS, [0, index])


def test_cross_entropy_fractional_index_raises():
    with pytest.raises(ValueError, match=re.escape("target must contain integer class indices, got [0.5]")):
        cross_entropy(CE_LOGITS, [0.5, 1])


@pytest.mark.parametrize("function", [cross_entropy, cross_entropy_grad])
def test_cross_entropy_row_sum_raises(function):
    with pytest.raises(ValueError, match=re.escape("rows must sum to 1 within 1e-06, got a row sum of 0.9")):
        function(CE_LOGITS, [[0.5, 0.4, 0.0], [1.0, 0.0, 0.0]])


def test_cross_entropy_negative_probability_raises():
    with pytest.raises(ValueError, match=re.escape("probabilities must be >= 0, got a minimum of -0.5")):
        cross_entropy(CE_LOGITS, [[1.5, -0.5, 0.0], [1.0, 0.0, 0.0]])


def test_cross_entropy_target_shape_raises():
    message = "target must have shape (2,) for class indices or (2, 3) for rows, got (3,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        cross_entropy(CE_LOGITS, [0, 1, 2])


def test_cross_entropy_label_smoothing_range_raises():
    with pytest.raises(ValueError, match=re.escape("label_smoothing must be a number in [0, 1], got 1.5")):
        cross_entropy(CE_LOGITS, [0, 1], label_smoothing=1.5)


def test_unknown_reduction_raises():
    with pytest.raises(ValueError, match=re.escape("reduction must be \"none\", \"sum\" or \"mean\", got 'avg'")):
        mean_squared_error(PREDICTIONS, LABELS, reduction="avg")


def test_get_loss_unknown_name_raises():
    message = (
        "loss name must be one of absolute_difference, cosine_distance, cross_entropy, "
        "hinge, huber, mean_squared_error, got 'l2'"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        get_loss("l2")


def test_gradient_wrt_logits_unknown_name_raises():
    with pytest.raises(ValueError, match=re.escape("got 'softmax'")):
        gradient_wrt_logits("softmax", CE_LOGITS, [0, 1])


def test_gradient_wrt_logits_index_out_of_range_raises():
    with pytest.raises(ValueError, match=re.escape("labels must contain class indices in [0, 2] for 3 classes, got [5]")):
        gradient_wrt_logits("mean_squared_error", CE_LOGITS, [0, 5])


def test_nonfinite_predictions_raise():
    with pytest.raises(ValueError, match="predictions must be finite, got nan or inf"):
        mean_squared_error([1.0, np.inf], [0.0, 0.0])
