r"""Mini-batch training of a :class:`~backprop_viz.network.Network`, one step at a time.

A :class:`Trainer` owns a network, an optimiser and a train/test split. Each
:meth:`Trainer.step` takes the next mini-batch of a shuffled pass over the
training set, runs the forward and backward passes and updates the parameters:

.. math:: \theta \leftarrow \theta - \eta \, \frac{\partial L_{\text{batch}}}{\partial \theta}

(or the optimiser's refinement of that step). A view can call :meth:`Trainer.step`
or :meth:`Trainer.epoch` from a button and plot :attr:`Trainer.history`.

When a learning rate is too large, the parameters grow until the loss or a
parameter overflows to inf or turns into nan. The trainer then restores the
parameters from before that step, stops, and raises :class:`TrainingDiverged`
with a message meant for the student.
"""
import logging
import math
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from backprop_viz._validation import check_positive
from backprop_viz.datasets import load_dataset
from backprop_viz.network import Network
from backprop_viz.optimizers import make_optimizer

logger = logging.getLogger(__name__)

DIGITS_DEFAULTS = MappingProxyType({
    "dataset": "digits",
    "dataset_options": MappingProxyType({}),
    "layer_sizes": (64, 64, 10),
    "activation": "relu",
    "init": "he",
    "init_scale": 1.0,
    "loss": "cross_entropy",
    "optimizer": "momentum",
    "learning_rate": 0.05,
    "weight_decay": 0.0,
    "batch_size": 32,
    "epochs": 15,
    "seed": 0,
})
r"""Settings with which one hidden layer of 64 ReLU units learns the 8 x 8 digits.

Read-only. Copy with ``dict(DIGITS_DEFAULTS)`` to change a value.
"""

SPIRAL_DEFAULTS = MappingProxyType({
    "dataset": "spiral",
    "dataset_options": MappingProxyType({"n_samples": 600, "noise": 0.1}),
    "layer_sizes": (2, 32, 32, 3),
    "activation": "relu",
    "init": "he",
    "init_scale": 1.0,
    "loss": "cross_entropy",
    "optimizer": "adam",
    "learning_rate": 0.01,
    "weight_decay": 0.0,
    "batch_size": 32,
    "epochs": 150,
    "seed": 0,
})
r"""Settings with which two hidden layers of 32 ReLU units separate the three spiral arms.

Read-only. Copy with ``dict(SPIRAL_DEFAULTS)`` to change a value.
"""

_SETTINGS_FALLBACKS = {
    "dataset_options": {},
    "activation": "relu",
    "init": "he",
    "init_scale": 1.0,
    "loss": "cross_entropy",
    "optimizer": "sgd",
    "learning_rate": 0.1,
    "weight_decay": 0.0,
    "batch_size": 32,
    "epochs": 10,
    "seed": 0,
}
_REQUIRED_SETTINGS = ("dataset", "layer_sizes")


class TrainingDiverged(RuntimeError):
    r"""Raised when the loss, a gradient or a parameter becomes inf or nan.

    Attributes
    ----------
    step : int
        The step that failed, counting from 1. Its update was undone.
    reason : str
        What became inf or nan.
    learning_rate : float
        The learning rate at that step.
    """

    def __init__(self, step, reason, learning_rate):
        self.step = step
        self.reason = reason
        self.learning_rate = learning_rate
        super().__init__(
            f"Training diverged at step {step}: {reason}. "
            f"The parameters are back to their values before that step. "
            f"Lower the learning rate (now {learning_rate:g}), for example to {learning_rate / 10:g}, "
            f"then reset and train again."
        )


@dataclass
class History:
    r"""Losses and accuracies on the full training and test sets, one entry per evaluation.

    Every attribute is a list of the same length, ready to plot against
    ``step`` or ``epoch``. The first entry is the untrained network at step 0.

    Attributes
    ----------
    step : list of int
        Completed mini-batch steps at the time of the evaluation.
    epoch : list of float
        Completed passes over the training set, fractional between epoch ends.
    train_loss, test_loss : list of float
    train_accuracy, test_accuracy : list of float
        Fractions in [0, 1].
    """

    step: list = field(default_factory=list)
    epoch: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)

    def __len__(self):
        return len(self.step)

    def append(self, step, epoch, train_loss, train_accuracy, test_loss, test_accuracy):
        """Add one evaluation at the end of every list."""
        self.step.append(step)
        self.epoch.append(epoch)
        self.train_loss.append(train_loss)
        self.train_accuracy.append(train_accuracy)
        self.test_loss.append(test_loss)
        self.test_accuracy.append(test_accuracy)

    def latest(self):
        """Return the last evaluation as a dict of the six values, or None before any."""
        if not self.step:
            return None
        names = ("step", "epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy")
        return {name: getattr(self, name)[-1] for name in names}


class Trainer:
    r"""Train a network on a split with mini-batches, keeping a history for plots.

    Parameters
    ----------
    network : Network
        Trained in place. Its parameters at construction are what
        :meth:`reset` returns to.
    optimizer : Optimizer
        From :mod:`backprop_viz.optimizers`.
    split : Split
        The training set provides the mini-batches, and both sets are
        evaluated for the history.
    batch_size : int, default 32
        Examples per step. The last batch of an epoch may be smaller, and a
        batch size above the training set size uses the whole set.
    seed : int, default 0
        Seeds the order of examples in each epoch.
    evaluate_every : int, optional
        Evaluate both sets every this many steps. By default they are
        evaluated at the end of each epoch.

    Attributes
    ----------
    step_count : int
        Completed steps.
    epoch_count : int
        Completed passes over the training set.
    history : History
    last_gradients : dict of int to LayerGradients or None
        The gradients of the last completed step, keyed by layer.
    last_batch_loss : float or None
        The loss of the last completed step's mini-batch.
    divergence : TrainingDiverged or None
        Set when training stopped because of inf or nan, until :meth:`reset`
        or :meth:`set_learning_rate`.
    """

    def __init__(self, network, optimizer, split, batch_size=32, seed=0, evaluate_every=None):
        if (split.n_features, split.n_classes) != (network.n_features, network.n_classes):
            raise ValueError(
                f"the split has N = {split.n_features} features and T = {split.n_classes} classes, "
                f"but the network expects N = {network.n_features} and T = {network.n_classes}"
            )
        self.network = network
        self.optimizer = optimizer
        self.split = split
        self.batch_size = _check_count(batch_size, "batch_size")
        self.seed = seed
        self.evaluate_every = None if evaluate_every is None else _check_count(evaluate_every, "evaluate_every")

        self._initial_parameters = network.get_parameter_vector()
        self.reset()

    @classmethod
    def from_settings(cls, settings, split=None):
        r"""Build the data, network, optimiser and trainer from one dict of settings.

        Parameters
        ----------
        settings : mapping
            Keys as in :data:`DIGITS_DEFAULTS`. "dataset" and "layer_sizes" are
            required, and the others fall back to plain choices (SGD with
            learning rate 0.1, ReLU, He initialisation, batch size 32).
        split : Split, optional
            Used instead of loading ``settings["dataset"]``.

        Returns
        -------
        Trainer
        """
        settings = _complete_settings(settings)
        if split is None:
            split = load_dataset(settings["dataset"], **settings["dataset_options"])

        network = Network(
            settings["layer_sizes"],
            activation=settings["activation"],
            init=settings["init"],
            init_scale=settings["init_scale"],
            loss=settings["loss"],
            seed=settings["seed"],
        )
        optimizer = make_optimizer(settings["optimizer"], settings["learning_rate"], weight_decay=settings["weight_decay"])
        return cls(network, optimizer, split, batch_size=settings["batch_size"], seed=settings["seed"])

    # State ----------------------------------------------------------------

    def reset(self):
        """Restore the initial parameters and clear the optimiser state, the counters and the history."""
        self.network.set_parameter_vector(self._initial_parameters)
        self.optimizer.reset()

        self._rng = np.random.default_rng(self.seed)
        self._order = self._rng.permutation(self.n_train)
        self._position = 0

        self.step_count = 0
        self.epoch_count = 0
        self.history = History()
        self.last_gradients = None
        self.last_batch_loss = None
        self.divergence = None
        self._record()

    def set_learning_rate(self, learning_rate):
        """Change the optimiser's learning rate and let :meth:`step` run again after a divergence.

        The parameters restored after a divergence are often already so large
        that training diverges again at once. Call :meth:`reset` to start over.
        """
        self.optimizer.learning_rate = check_positive(learning_rate, "learning_rate")
        self.divergence = None

    @property
    def n_train(self):
        """The number of training examples."""
        return len(self.split.z_train)

    @property
    def steps_per_epoch(self):
        """The number of mini-batches in one pass over the training set."""
        return math.ceil(self.n_train / min(self.batch_size, self.n_train))

    @property
    def gradient_norms(self):
        r"""The Frobenius norm :math:`\lVert \partial L / \partial W_k \rVert` of each layer at the last step.

        A dict keyed by layer :math:`k`, empty before the first step. The norms
        leave out the weight decay term. Norms that shrink from the last layer
        to the first show vanishing gradients.
        """
        if self.last_gradients is None:
            return {}
        return {k: float(np.linalg.norm(gradients.dW)) for k, gradients in self.last_gradients.items()}

    # Training -------------------------------------------------------------

    def step(self):
        r"""Train on the next mini-batch and return its loss.

        Raises
        ------
        TrainingDiverged
            If the loss, a gradient or a parameter became inf or nan. The
            parameters are restored from before the step and the optimiser
            state is cleared. Later calls raise the same error until
            :meth:`reset` or :meth:`set_learning_rate`.
        """
        if self.divergence is not None:
            raise self.divergence

        batch = self._order[self._position : self._position + self.batch_size]
        X = self.split.X_train[batch]
        z = self.split.z_train[batch]
        before = self.network.get_parameter_vector()

        # Overflow is expected when training diverges, and is caught by the checks.
        with np.errstate(over="ignore", invalid="ignore"):
            loss, gradients = self.network.loss_and_gradients(X, z)
            self._check_finite_gradients(loss, gradients, before)

            grads = [(gradients[k].dW, gradients[k].db) for k in self.network.layers]
            self.optimizer.step(self.network.parameters(), grads)
            self._check_finite_parameters(before)

            evaluation = self._evaluate() if self._evaluation_due(len(batch)) else None
            if evaluation is not None and not np.all(np.isfinite(evaluation)):
                self._diverge(before, "the loss on the full training or test set became inf or nan")

        self.step_count += 1
        self.last_gradients = gradients
        self.last_batch_loss = loss
        self._advance_position(len(batch))
        if evaluation is not None:
            self.history.append(self.step_count, self._epoch_progress(), *evaluation)
        return loss

    def epoch(self):
        """Train until the current pass over the training set ends, and return the latest history entry."""
        target = self.epoch_count + 1
        while self.epoch_count < target:
            self.step()
        return self.history.latest()

    def fit(self, epochs):
        """Train for ``epochs`` more passes over the training set and return the history."""
        for _ in range(_check_count(epochs, "epochs")):
            self.epoch()
        return self.history

    # Helpers --------------------------------------------------------------

    def _advance_position(self, batch_length):
        self._position += batch_length
        if self._position >= self.n_train:
            self.epoch_count += 1
            self._order = self._rng.permutation(self.n_train)
            self._position = 0

    def _evaluation_due(self, batch_length):
        """Return whether the step now running ends with an evaluation."""
        if self.evaluate_every is None:
            return self._position + batch_length >= self.n_train
        return (self.step_count + 1) % self.evaluate_every == 0

    def _epoch_progress(self):
        return self.epoch_count + self._position / self.n_train

    def _evaluate(self):
        """Return the train loss, train accuracy, test loss and test accuracy."""
        split = self.split
        train_loss, train_accuracy = self.network.evaluate(split.X_train, split.z_train)
        test_loss, test_accuracy = self.network.evaluate(split.X_test, split.z_test)
        return train_loss, train_accuracy, test_loss, test_accuracy

    def _record(self):
        self.history.append(self.step_count, self._epoch_progress(), *self._evaluate())

    def _check_finite_gradients(self, loss, gradients, before):
        if not np.isfinite(loss):
            self._diverge(before, f"the mini-batch loss became {loss}")
        for k, layer in gradients.items():
            if not (np.all(np.isfinite(layer.dW)) and np.all(np.isfinite(layer.db))):
                self._diverge(before, f"the gradient of layer {k} contains inf or nan")

    def _check_finite_parameters(self, before):
        for k in self.network.layers:
            if not (np.all(np.isfinite(self.network.weights[k])) and np.all(np.isfinite(self.network.biases[k]))):
                self._diverge(before, f"the parameters of layer {k} contain inf or nan after the update")

    def _diverge(self, before, reason):
        self.network.set_parameter_vector(before)
        self.optimizer.reset()
        self.divergence = TrainingDiverged(self.step_count + 1, reason, self.optimizer.learning_rate)
        logger.info("%s", self.divergence)
        raise self.divergence


def _complete_settings(settings):
    unknown = set(settings) - set(_SETTINGS_FALLBACKS) - set(_REQUIRED_SETTINGS)
    if unknown:
        expected = sorted(set(_SETTINGS_FALLBACKS) | set(_REQUIRED_SETTINGS))
        raise ValueError(f"settings must only contain keys from {expected}, got unknown keys {sorted(unknown)}")
    missing = [key for key in _REQUIRED_SETTINGS if key not in settings]
    if missing:
        raise ValueError(f"settings must contain {list(_REQUIRED_SETTINGS)}, missing {missing}")
    return {**_SETTINGS_FALLBACKS, **settings}


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return int(value)
