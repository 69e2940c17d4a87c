"""Softmax, log-softmax, the Jacobian and its vector product."""
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from backprop_viz import (
    log_softmax,
    naive_softmax,
    numerical_gradient,
    relative_error,
    softmax,
    softmax_jacobian,
    softmax_vjp,
)

LOGITS_123 = [1.0, 2.0, 3.0]
F_123 = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]

huge_logits = arrays(np.float64, st.integers(2, 8), elements=st.floats(-1e300, 1e300))
moderate_logits = arrays(np.float64, st.integers(2, 6), elements=st.floats(-20, 20))


def test_softmax_literal_values():
    assert softmax(LOGITS_123) == pytest.approx(F_123, rel=1e-12)


def test_softmax_large_logits_one_hot():
    assert softmax([1000.0, 2000.0, 3000.0]).tolist() == [0.0, 0.0, 1.0]


def test_naive_softmax_overflows_to_nan():
    with pytest.warns(RuntimeWarning) as record:
        f = naive_softmax([1000.0, 2000.0, 3000.0])
    messages = [str(warning.message) for warning in record]
    assert np.all(np.isnan(f))
    assert "overflow encountered in exp" in messages
    assert "invalid value encountered in divide" in messages


def test_naive_softmax_matches_stable_on_small_logits():
    assert naive_softmax(LOGITS_123) == pytest.approx(F_123, rel=1e-12)


def test_softmax_shift_invariance():
    assert softmax([101.0, 102.0, 103.0]) == pytest.approx(F_123, rel=1e-12)


def test_softmax_temperature_literal():
    assert softmax([0.0, np.log(4.0)], temperature=2.0) == pytest.approx([1 / 3, 2 / 3], rel=1e-12)


def test_softmax_batch_along_axis():
    batch = np.array([LOGITS_123, [0.0, 0.0, 0.0]])
    assert softmax(batch)[1] == pytest.approx([1 / 3] * 3)
    assert softmax(batch.T, axis=0)[:, 0] == pytest.approx(F_123)


def test_log_softmax_finite_where_softmax_underflows():
    assert softmax([0.0, 1000.0])[0] == 0.0
    assert log_softmax([0.0, 1000.0]) == pytest.approx([-1000.0, 0.0])


def test_softmax_jacobian_literal_values():
    f = np.array(F_123)
    expected = np.diag(f) - np.outer(f, f)
    assert softmax_jacobian(LOGITS_123) == pytest.approx(expected, rel=1e-12)
    assert softmax_jacobian(LOGITS_123)[0, 0] == pytest.approx(0.08192506906499324, rel=1e-12)
    assert softmax_jacobian(LOGITS_123)[0, 2] == pytest.approx(-0.05989202454481891, rel=1e-12)


def test_softmax_jacobian_batch_shape():
    assert softmax_jacobian(np.zeros((4, 2, 3))).shape == (4, 2, 3, 3)


def test_softmax_jacobian_temperature_scales():
    assert softmax_jacobian([0.0, 0.0], temperature=2.0) == pytest.approx(np.array([[0.125, -0.125], [-0.125, 0.125]]))


def test_softmax_vjp_matches_matrix():
    g = np.array([0.5, -1.0, 2.0])
    assert softmax_vjp(LOGITS_123, g) == pytest.approx(softmax_jacobian(LOGITS_123).T @ g, rel=1e-12)


@given(huge_logits)
@settings(max_examples=200, deadline=None)
def test_softmax_finite_and_normalised(p):
    f = softmax(p)
    assert np.all(np.isfinite(f))
    assert f.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.all(f >= 0)


@given(huge_logits)
@settings(max_examples=100, deadline=None)
def test_log_softmax_finite(p):
    assert np.all(np.isfinite(log_softmax(p)))


@given(huge_logits)
@settings(max_examples=100, deadline=None)
def test_jacobian_symmetric_rows_columns_sum_to_zero(p):
    J = softmax_jacobian(p)
    assert np.array_equal(J, J.T)
    assert np.abs(J.sum(axis=0)).max() < 1e-12
    assert np.abs(J.sum(axis=1)).max() < 1e-12


@given(moderate_logits, st.floats(0.2, 5.0))
@settings(max_examples=60, deadline=None)
def test_jacobian_matches_finite_differences(p, temperature):
    numeric = np.array([numerical_gradient(lambda q, i=i: softmax(q, temperature=temperature)[i], p)
                        for i in range(len(p))])
    analytic = softmax_jacobian(p, temperature=temperature)
    # A saturated softmax has entries near the 1e-10 rounding floor of the differences.
    assume(np.abs(analytic).max() > 1e-3)
    assert relative_error(analytic, numeric) <= 1e-7


@given(moderate_logits)
@settings(max_examples=60, deadline=None)
def test_log_softmax_gradient_matches_finite_differences(p):
    g = np.linspace(-1.0, 1.0, len(p))
    analytic = g - softmax(p) * g.sum()
    numeric = numerical_gradient(lambda q: g @ log_softmax(q), p)
    assert relative_error(analytic, numeric) <= 1e-7


def test_softmax_jacobian_against_torch():
    torch = pytest.importorskip("torch")
    p = torch.tensor([0.3, -1.2, 2.0, 0.7], dtype=torch.float64)
    expected = torch.autograd.functional.jacobian(lambda q: torch.softmax(q / 1.5, dim=0), p).numpy()
    assert relative_error(softmax_jacobian(p.numpy(), temperature=1.5), expected) <= 1e-12


@pytest.mark.parametrize("bad, message", [
    (np.zeros((2, 3, 4, 5, 6))[0, 0, 0, 0, 0], r"at least 1-D, got shape \(\)"),
    ([], r"must not be empty, got shape \(0,\)"),
    ([1.0, np.nan], "must be finite"),
    ([1.0, np.inf], "must be finite"),
    (["a", "b"], "array of numbers"),
])
def test_softmax_rejects_bad_logits(bad, message):
    with pytest.raises(ValueError, match=message):
        softmax(bad)


@pytest.mark.parametrize("temperature", [0.0, -1.0, np.nan, "hot"])
def test_softmax_rejects_bad_temperature(temperature):
    with pytest.raises(ValueError, match=r"temperature must be a (finite )?number > 0, got"):
        softmax(LOGITS_123, temperature=temperature)


def test_softmax_rejects_axis_out_of_range():
    with pytest.raises(ValueError, match=r"axis must be an integer in \[-1, 0\] for a 1-D array, got 1"):
        softmax(LOGITS_123, axis=1)


def test_softmax_vjp_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"upstream must have the shape of logits \(3,\), got \(2,\)"):
        softmax_vjp(LOGITS_123, [1.0, 2.0])


def test_stable_softmax_emits_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        softmax([1000.0, 2000.0, 3000.0])
