"""Tests for the optimisers and the mini-batch trainer."""
import numpy as np
import pytest
import torch

from backprop_viz.datasets import make_spiral, make_xor
from backprop_viz.network import Network
from backprop_viz.optimizers import SGD, Adam, Momentum, make_optimizer
from backprop_viz.training import DIGITS_DEFAULTS, SPIRAL_DEFAULTS, Trainer, TrainingDiverged


def hand_parameters():
    """One layer with W = [[1, -2]], b = [0.5] and gradients dW = [[0.1, 0.2]], db = [0.3]."""
    params = [(np.array([[1.0, -2.0]]), np.array([0.5]))]
    grads = [(np.array([[0.1, 0.2]]), np.array([0.3]))]
    return params, grads


# ---------------------------------------------------------------------------
# Optimisers on hand values
# ---------------------------------------------------------------------------

def test_sgd_step_literal():
    # With weight decay 0.01 the weight gradient is dW + 0.01 W = (0.11, 0.18); the bias keeps 0.3.
    params, grads = hand_parameters()

    SGD(learning_rate=0.1, weight_decay=0.01).step(params, grads)

    np.testing.assert_allclose(params[0][0], [[0.989, -2.018]], rtol=1e-15)
    np.testing.assert_allclose(params[0][1], [0.47], rtol=1e-15)


def test_momentum_two_steps_literal():
    # Step 1: v = -0.1 (0.11, 0.18). Step 2: g = (0.1, 0.2) + 0.01 (0.989, -2.018) = (0.10989, 0.17982),
    # v = 0.9 v - 0.1 g = (-0.020889, -0.034182).
    params, grads = hand_parameters()
    optimizer = Momentum(learning_rate=0.1, momentum=0.9, weight_decay=0.01)

    optimizer.step(params, grads)
    np.testing.assert_allclose(params[0][0], [[0.989, -2.018]], rtol=1e-15)

    optimizer.step(params, grads)
    np.testing.assert_allclose(params[0][0], [[0.968111, -2.052182]], rtol=1e-14)
    np.testing.assert_allclose(params[0][1], [0.413], rtol=1e-14)


def test_adam_first_step_literal():
    # At t = 1 the bias corrections give m_hat = g and v_hat = g^2, so each
    # parameter moves by -0.1 g / (|g| + 1e-8).
    params, grads = hand_parameters()

    Adam(learning_rate=0.1, weight_decay=0.01).step(params, grads)

    np.testing.assert_allclose(params[0][0], [[0.9000000090909083, -2.099999994444445]], rtol=1e-15)
    np.testing.assert_allclose(params[0][1], [0.4000000033333332], rtol=1e-15)


@pytest.mark.parametrize(
    "name, ours, theirs",
    [
        ("sgd", {}, lambda groups: torch.optim.SGD(groups, lr=0.05)),
        ("momentum", {"momentum": 0.8}, lambda groups: torch.optim.SGD(groups, lr=0.05, momentum=0.8)),
        ("adam", {"beta1": 0.8, "beta2": 0.99}, lambda groups: torch.optim.Adam(groups, lr=0.05, betas=(0.8, 0.99))),
    ],
)
def test_optimizer_matches_torch(name, ours, theirs):
    # PyTorch's momentum form v = mu v + g, theta -= lr v equals heavy ball for a fixed learning rate,
    # and its weight_decay adds lambda theta to the gradient, as ours does for weights.
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(3, 2)), rng.normal(size=2)
    gradients = [(rng.normal(size=(3, 2)), rng.normal(size=2)) for _ in range(4)]

    optimizer = make_optimizer(name, 0.05, weight_decay=0.1, **ours)
    W_torch = torch.tensor(W, requires_grad=True)
    b_torch = torch.tensor(b, requires_grad=True)
    reference = theirs([{"params": [W_torch], "weight_decay": 0.1}, {"params": [b_torch], "weight_decay": 0.0}])

    for dW, db in gradients:
        optimizer.step([(W, b)], [(dW, db)])
        W_torch.grad = torch.tensor(dW)
        b_torch.grad = torch.tensor(db)
        reference.step()

    np.testing.assert_allclose(W, W_torch.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(b, b_torch.detach().numpy(), rtol=1e-13)


def test_optimizer_reset_clears_state():
    params, grads = hand_parameters()
    optimizer = Momentum(learning_rate=0.1, momentum=0.9)
    optimizer.step(params, grads)

    optimizer.reset()
    before = params[0][0].copy()
    optimizer.step(params, grads)

    np.testing.assert_allclose(params[0][0] - before, -0.1 * grads[0][0], rtol=1e-14)
    assert optimizer.step_count == 1


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: make_optimizer("rmsprop", 0.1), r"optimizer must be one of \['adam', 'momentum', 'sgd'\], got 'rmsprop'"),
        (lambda: SGD(learning_rate=0.0), r"learning_rate must be a finite number > 0, got 0.0"),
        (lambda: Momentum(momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
        (lambda: Adam(beta2=-0.1), r"beta2 must be in \[0, 1\), got -0.1"),
        (lambda: SGD(weight_decay=-1e-4), r"weight_decay must be in \[0, inf\), got -0.0001"),
    ],
)
def test_optimizer_rejects_invalid_settings(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_optimizer_rejects_gradient_of_wrong_shape():
    params, _ = hand_parameters()

    with pytest.raises(ValueError, match=r"dW_1 must have the shape of its parameter \(1, 2\), got \(2, 1\)"):
        SGD().step(params, [(np.zeros((2, 1)), np.zeros(1))])


# ---------------------------------------------------------------------------
# Trainer
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def spiral():
    return make_spiral(n_samples=150, seed=1)


def make_trainer(split, **settings):
    defaults = {"dataset": "spiral", "layer_sizes": (2, 16, 3), "optimizer": "adam", "learning_rate": 0.01}
    return Trainer.from_settings({**defaults, **settings}, split=split)


def test_digits_defaults_reach_95_percent():
    trainer = Trainer.from_settings(DIGITS_DEFAULTS)

    history = trainer.fit(DIGITS_DEFAULTS["epochs"])

    assert history.test_accuracy[-1] >= 0.95
    assert trainer.network.depth == 2


def test_spiral_defaults_reach_95_percent():
    trainer = Trainer.from_settings(SPIRAL_DEFAULTS)

    history = trainer.fit(SPIRAL_DEFAULTS["epochs"])

    assert history.test_accuracy[-1] >= 0.95
    assert trainer.network.depth == 3
    assert trainer.network.activation.name == "relu"


def test_xor_needs_a_hidden_layer():
    split = make_xor(n_samples=400, noise=0.05, seed=0)
    settings = {"dataset": "xor", "optimizer": "adam", "learning_rate": 0.02, "seed": 0}

    linear = Trainer.from_settings({**settings, "layer_sizes": (2, 2)}, split=split)
    hidden = Trainer.from_settings({**settings, "layer_sizes": (2, 16, 2)}, split=split)

    assert linear.fit(40).test_accuracy[-1] < 0.75
    assert hidden.fit(40).test_accuracy[-1] > 0.9


def test_huge_learning_rate_diverges(spiral):
    trainer = make_trainer(spiral, layer_sizes=(2, 16, 16, 3), activation="leaky_relu", optimizer="sgd", learning_rate=1e6)

    with pytest.raises(TrainingDiverged) as caught:
        for _ in range(100):
            before = trainer.network.get_parameter_vector()
            trainer.step()

    error = caught.value
    assert error.step == trainer.step_count + 1
    assert f"at step {error.step}:" in str(error)
    assert "Lower the learning rate (now 1e+06)" in str(error)
    np.testing.assert_array_equal(trainer.network.get_parameter_vector(), before)
    assert np.all(np.isfinite(before))
    assert trainer.divergence is error


def test_diverged_trainer_stays_stopped_until_reset(spiral):
    trainer = make_trainer(spiral, layer_sizes=(2, 16, 16, 3), activation="leaky_relu", optimizer="sgd", learning_rate=1e6)
    with pytest.raises(TrainingDiverged):
        trainer.fit(20)
    steps = trainer.step_count

    with pytest.raises(TrainingDiverged):
        trainer.step()
    assert trainer.step_count == steps

    trainer.set_learning_rate(1e-3)
    assert trainer.divergence is None
    trainer.reset()
    trainer.fit(2)
    assert trainer.step_count == 2 * trainer.steps_per_epoch


def test_history_has_one_entry_per_epoch(spiral):
    trainer = make_trainer(spiral, batch_size=32)

    history = trainer.fit(3)

    assert trainer.n_train == 114  # 150 minus 12 test points per class
    assert trainer.steps_per_epoch == 4
    assert history.step == [0, 4, 8, 12]
    assert history.epoch == [0, 1, 2, 3]
    assert len(history) == 4
    assert all(0 <= value <= 1 for value in history.test_accuracy)
    assert history.train_loss[-1] < history.train_loss[0]


def test_evaluate_every_records_steps(spiral):
    trainer = Trainer(Network([2, 8, 3], seed=0), SGD(0.1), spiral, batch_size=16, evaluate_every=3)

    for _ in range(7):
        trainer.step()

    assert trainer.history.step == [0, 3, 6]
    assert trainer.history.epoch[1] == pytest.approx(48 / 114)


def test_epoch_finishes_current_pass(spiral):
    trainer = make_trainer(spiral, batch_size=50)
    trainer.step()

    latest = trainer.epoch()

    assert trainer.step_count == 3  # batches of 50, 50 and 14
    assert trainer.epoch_count == 1
    assert latest["step"] == 3


def test_gradient_norms_of_last_step(spiral):
    trainer = make_trainer(spiral, layer_sizes=(2, 8, 8, 3))
    assert trainer.gradient_norms == {}

    trainer.step()

    norms = trainer.gradient_norms
    assert sorted(norms) == [1, 2, 3]
    assert norms[2] == pytest.approx(np.linalg.norm(trainer.last_gradients[2].dW))
    assert all(value > 0 for value in norms.values())


def test_reset_restores_initial_state(spiral):
    trainer = make_trainer(spiral)
    initial = trainer.network.get_parameter_vector()
    trainer.fit(2)
    first_run = list(trainer.history.train_loss)

    trainer.reset()
    np.testing.assert_array_equal(trainer.network.get_parameter_vector(), initial)
    assert trainer.step_count == 0
    assert trainer.epoch_count == 0
    assert len(trainer.history) == 1

    trainer.fit(2)
    assert trainer.history.train_loss == first_run


def test_same_seed_same_history(spiral):
    first = make_trainer(spiral, seed=3).fit(2)
    second = make_trainer(spiral, seed=3).fit(2)
    other = make_trainer(spiral, seed=4).fit(2)

    assert first.train_loss == second.train_loss
    assert first.train_loss != other.train_loss


@pytest.mark.parametrize("optimizer, learning_rate", [("sgd", 0.5), ("momentum", 0.05), ("adam", 0.01)])
def test_each_optimizer_lowers_loss(spiral, optimizer, learning_rate):
    trainer = make_trainer(spiral, optimizer=optimizer, learning_rate=learning_rate)

    history = trainer.fit(10)

    assert history.train_loss[-1] < 0.9 * history.train_loss[0]


def test_trainer_rejects_mismatched_split(spiral):
    with pytest.raises(ValueError, match=r"N = 2 features and T = 3 classes, but the network expects N = 2 and T = 2"):
        Trainer(Network([2, 2]), SGD(), spiral)


def test_trainer_rejects_zero_batch_size(spiral):
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        Trainer(Network([2, 3]), SGD(), spiral, batch_size=0)


def test_from_settings_rejects_unknown_key(spiral):
    with pytest.raises(ValueError, match=r"unknown keys \['learningrate'\]"):
        Trainer.from_settings({"dataset": "spiral", "layer_sizes": (2, 3), "learningrate": 0.1}, split=spiral)


def test_from_settings_requires_layer_sizes(spiral):
    with pytest.raises(ValueError, match=r"missing \['layer_sizes'\]"):
        Trainer.from_settings({"dataset": "spiral"}, split=spiral)


def test_defaults_are_read_only():
    with pytest.raises(TypeError):
        DIGITS_DEFAULTS["learning_rate"] = 1.0
