"""The softmax layer: forward pass, loss and gradients on hand values and on digits."""
import numpy as np
import pytest

from backprop_viz import numerical_gradient, relative_error
from backprop_viz.datasets import load_digits
from backprop_viz.layer import accuracy, fit_softmax_layer, softmax_layer

X_SMALL = np.array([1.0, -2.0])
W_SMALL = np.array([[1.0, 0.0, -1.0], [0.5, 1.0, 0.0]])
B_SMALL = np.array([0.0, 1.0, 2.0])


def test_layer_literal_logits_and_loss():
    result = softmax_layer(X_SMALL, W_SMALL, B_SMALL, 2)
    assert result.logits == pytest.approx([0.0, -1.0, 1.0])
    f = np.exp([0.0, -1.0, 1.0]) / np.exp([0.0, -1.0, 1.0]).sum()
    assert result.probabilities == pytest.approx(f, rel=1e-12)
    assert result.loss == pytest.approx(-np.log(f[2]), rel=1e-12)


def test_layer_gradients_are_outer_products():
    result = softmax_layer(X_SMALL, W_SMALL, B_SMALL, 2)
    f_minus_y = result.probabilities - np.array([0.0, 0.0, 1.0])
    assert result.dL_dp == pytest.approx(f_minus_y, rel=1e-12)
    assert result.dL_db == pytest.approx(f_minus_y, rel=1e-12)
    assert result.dL_dW == pytest.approx(np.outer(X_SMALL, f_minus_y), rel=1e-12)
    assert result.dL_dx == pytest.approx(W_SMALL @ f_minus_y, rel=1e-12)


def test_layer_literal_gradient_values():
    result = softmax_layer(X_SMALL, W_SMALL, B_SMALL, 2)
    assert result.dL_dp == pytest.approx([0.24472847105479767, 0.09003057317038046, -0.33475904422517813],
                                         rel=1e-12)


@pytest.mark.parametrize("name", ["W", "b", "x"])
def test_layer_gradients_match_finite_differences(name):
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=5), rng.normal(size=(5, 4)), rng.normal(size=4)
    arguments = {"x": x, "W": W, "b": b}
    result = softmax_layer(x, W, b, 3)

    def loss(value):
        return softmax_layer(**{**arguments, name: value}, target=3).loss

    analytic = {"W": result.dL_dW, "b": result.dL_db, "x": result.dL_dx}[name]
    assert relative_error(analytic, numerical_gradient(loss, arguments[name])) <= 1e-7


def test_layer_batch_is_mean_of_examples():
    rng = np.random.default_rng(2)
    X, W, b = rng.normal(size=(3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    z = np.array([0, 4, 2])
    batch = softmax_layer(X, W, b, z)
    singles = [softmax_layer(X[i], W, b, z[i]) for i in range(3)]
    assert batch.loss == pytest.approx(np.mean([single.loss for single in singles]))
    assert batch.dL_dW == pytest.approx(np.mean([single.dL_dW for single in singles], axis=0))
    assert batch.dL_dx[1] == pytest.approx(singles[1].dL_dx / 3)


def test_layer_against_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    X, W, b, z = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3), rng.integers(0, 3, 6)
    X_t, W_t, b_t = (torch.tensor(array, requires_grad=True) for array in (X, W, b))
    torch.nn.functional.cross_entropy(X_t @ W_t + b_t, torch.tensor(z)).backward()

    result = softmax_layer(X, W, b, z)
    assert relative_error(result.dL_dW, W_t.grad.numpy()) <= 1e-12
    assert relative_error(result.dL_db, b_t.grad.numpy()) <= 1e-12
    assert relative_error(result.dL_dx, X_t.grad.numpy()) <= 1e-12


def test_fit_softmax_layer_on_digits():
    digits = load_digits()
    W, b = fit_softmax_layer(digits.X_train, digits.z_train, digits.n_classes)
    assert W.shape == (64, 10)
    assert accuracy(digits.X_test, digits.z_test, W, b) >= 0.95


def test_layer_rejects_wrong_input_length():
    with pytest.raises(ValueError, match=r"x must have N = 2 features to match W \(2, 3\), got shape \(3,\)"):
        softmax_layer([1.0, 2.0, 3.0], W_SMALL, B_SMALL, 0)


def test_layer_rejects_wrong_bias_shape():
    with pytest.raises(ValueError, match=r"b must have shape \(3,\) to match W \(2, 3\), got shape \(2,\)"):
        softmax_layer(X_SMALL, W_SMALL, [0.0, 1.0], 0)


def test_layer_rejects_class_index_out_of_range():
    with pytest.raises(ValueError, match="3"):
        softmax_layer(X_SMALL, W_SMALL, B_SMALL, 3)
