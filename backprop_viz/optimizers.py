r"""Gradient descent and two of its refinements, updating parameters in place.

Every optimiser takes the parameters :math:`[(W_1, b_1), \dots, (W_l, b_l)]` and
the gradients :math:`[(\partial L/\partial W_1, \partial L/\partial b_1), \dots]`
in the same order, and changes the parameter arrays in place.

L2 weight decay with strength :math:`\lambda` adds :math:`\lambda W` to the
gradient of every weight matrix before the update, which is the gradient of the
penalty :math:`\frac{\lambda}{2} \lVert W \rVert^2`. Biases get no decay: they
only shift a unit's input and do not make the function more complex. The
penalty is not part of the loss the network reports. For Adam this is L2
regularisation through the gradient, not the decoupled decay of AdamW.
"""
import numpy as np

from backprop_viz._validation import check_positive


class Optimizer:
    r"""The shared part of every optimiser: weight decay, state and the update loop.

    Subclasses implement :meth:`_update`, which turns one gradient into the
    change added to its parameter.

    Parameters
    ----------
    learning_rate : float
        :math:`\eta > 0`.
    weight_decay : float, default 0.0
        :math:`\lambda \ge 0`, applied to weights only.
    """

    def __init__(self, learning_rate, weight_decay=0.0):
        self.learning_rate = check_positive(learning_rate, "learning_rate")
        self.weight_decay = _check_in_range(weight_decay, "weight_decay", 0.0, np.inf)
        self.reset()

    def reset(self):
        """Forget the state built up by previous steps (velocities, moments, step count)."""
        self.step_count = 0
        self._state = {}

    def step(self, params, grads):
        r"""Update every parameter in place by one step.

        Parameters
        ----------
        params : list of (ndarray, ndarray)
            :math:`[(W_1, b_1), \dots, (W_l, b_l)]`, changed in place.
        grads : list of (ndarray, ndarray)
            :math:`[(\partial L/\partial W_k, \partial L/\partial b_k)]`, shaped like ``params``.
        """
        params = list(params)
        grads = list(grads)
        if len(grads) != len(params):
            raise ValueError(f"grads must contain one (dW, db) pair per layer, {len(params)} in all, got {len(grads)}")
        self.step_count += 1

        for k, ((W, b), (dW, db)) in enumerate(zip(params, grads), start=1):
            dW = _check_like(dW, W, f"dW_{k}")
            db = _check_like(db, b, f"db_{k}")

            W += self._update(("W", k), dW + self.weight_decay * W)
            b += self._update(("b", k), db)

    def _update(self, key, gradient):
        raise NotImplementedError(f"{type(self).__name__} must implement _update")

    def __repr__(self):
        return f"{type(self).__name__}(learning_rate={self.learning_rate!r}, weight_decay={self.weight_decay!r})"


class SGD(Optimizer):
    r"""Plain (stochastic) gradient descent: :math:`\theta \leftarrow \theta - \eta g`.

    Parameters
    ----------
    learning_rate : float, default 0.1
    weight_decay : float, default 0.0
    """

    def __init__(self, learning_rate=0.1, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay)

    def _update(self, key, gradient):
        return -self.learning_rate * gradient


class Momentum(Optimizer):
    r"""Gradient descent with heavy-ball momentum.

    .. math:: v \leftarrow \mu v - \eta g, \qquad \theta \leftarrow \theta + v

    with :math:`v = 0` before the first step. The velocity :math:`v` averages past
    steps, so directions where the gradient keeps its sign speed up (up to
    :math:`1/(1-\mu)` times) and directions where it flips cancel out.

    Parameters
    ----------
    learning_rate : float, default 0.1
    momentum : float in [0, 1), default 0.9
        :math:`\mu`. With 0 this is plain gradient descent.
    weight_decay : float, default 0.0
    """

    def __init__(self, learning_rate=0.1, momentum=0.9, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay)
        self.momentum = _check_in_range(momentum, "momentum", 0.0, 1.0)

    def _update(self, key, gradient):
        velocity = self._state.get(key, 0.0)

        velocity = self.momentum * velocity - self.learning_rate * gradient
        self._state[key] = velocity
        return velocity


class Adam(Optimizer):
    r"""Adam: steps scaled by running estimates of the gradient's first two moments.

    At step :math:`t = 1, 2, \dots`, with :math:`m = v = 0` before the first step:

    .. math::

        m \leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2,

        \hat m = \frac{m}{1 - \beta_1^t}, \qquad \hat v = \frac{v}{1 - \beta_2^t}, \qquad
        \theta \leftarrow \theta - \eta \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    The bias corrections undo the pull of the zero start, so the first step
    moves every parameter by about :math:`\eta` whatever the size of its gradient.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1, beta2 : float in [0, 1), default 0.9 and 0.999
    eps : float, default 1e-8
    weight_decay : float, default 0.0
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        super().__init__(learning_rate, weight_decay)
        self.beta1 = _check_in_range(beta1, "beta1", 0.0, 1.0)
        self.beta2 = _check_in_range(beta2, "beta2", 0.0, 1.0)
        self.eps = check_positive(eps, "eps")

    def _update(self, key, gradient):
        m, v = self._state.get(key, (0.0, 0.0))
        t = self.step_count

        m = self.beta1 * m + (1 - self.beta1) * gradient
        v = self.beta2 * v + (1 - self.beta2) * gradient**2
        self._state[key] = (m, v)

        m_hat = m / (1 - self.beta1**t)
        v_hat = v / (1 - self.beta2**t)
        return -self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {
    "sgd": SGD,
    "momentum": Momentum,
    "adam": Adam,
}


def make_optimizer(name, learning_rate, **options):
    r"""Create an optimiser by name.

    Parameters
    ----------
    name : str
        "sgd", "momentum" or "adam".
    learning_rate : float
    **options
        Passed to the class: ``weight_decay`` for all, ``momentum`` for
        "momentum", ``beta1``, ``beta2`` and ``eps`` for "adam".

    Returns
    -------
    Optimizer
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {name!r}")
    return OPTIMIZERS[name](learning_rate=learning_rate, **options)


def _check_in_range(value, name, low, high):
    """Return ``value`` as a float, or raise unless ``low <= value < high``."""
    try:
        number = float(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a number in [{low:g}, {high:g}), got {value!r}") from error
    if not low <= number < high:
        raise ValueError(f"{name} must be in [{low:g}, {high:g}), got {value!r}")
    return number


def _check_like(gradient, parameter, name):
    gradient = np.asarray(gradient, dtype=np.float64)
    if gradient.shape != parameter.shape:
        raise ValueError(f"{name} must have the shape of its parameter {parameter.shape}, got {gradient.shape}")
    return gradient
