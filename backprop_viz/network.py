r"""A fully connected classifier of :math:`l` layers, with its forward and backward passes.

Layer :math:`k = 1, \dots, l` maps :math:`a_{k-1} \in \mathbb{R}^{n_{k-1}}` to

.. math::

    z_k = W_k^\top a_{k-1} + b_k, \qquad a_k = \sigma(z_k), \qquad a_0 = x,

with :math:`W_k` of shape :math:`(n_{k-1}, n_k)`. The output layer applies no
activation: its pre-activation :math:`z_l` is the logits :math:`p`, and the loss
turns them into probabilities :math:`f = \mathrm{softmax}(p)`.

The backward pass runs the chain rule from the loss down, one factor at a time.
With :math:`\delta_k = \partial L / \partial z_k`:

.. math::

    \delta_l = \frac{\partial L}{\partial p}, \qquad
    \frac{\partial L}{\partial W_k} = a_{k-1} \delta_k^\top, \qquad
    \frac{\partial L}{\partial b_k} = \delta_k, \qquad
    \frac{\partial L}{\partial a_{k-1}} = W_k \delta_k, \qquad
    \delta_{k-1} = \sigma'(z_{k-1}) \odot \frac{\partial L}{\partial a_{k-1}}.

Batches put the example index first, so a batch :math:`X` of shape
(n_samples, N) flows through as :math:`Z_k = A_{k-1} W_k + b_k`, one row per
example, and the weight gradient sums the outer products over examples:
:math:`A_{k-1}^\top \Delta_k`.

Layers are numbered from 1 as in the formulas: ``network.weights[k]`` is
:math:`W_k`, ``cache.z[k]`` is :math:`z_k` and ``cache.a[0]`` is the input.
"""
import copy
from dataclasses import dataclass

import numpy as np

from backprop_viz._validation import as_float_array
from backprop_viz.activations import get_activation
from backprop_viz.initializers import INITIALIZERS, initialize_layer, make_rng
from backprop_viz.losses import LOSSES, gradient_wrt_logits
from backprop_viz.softmax import softmax

MAX_DEPTH = 20
"""The maximum number of weight layers a :class:`Network` accepts."""


@dataclass(frozen=True)
class ForwardCache:
    r"""The values a forward pass stores for the backward pass.

    Attributes
    ----------
    z : dict of int to ndarray
        ``z[k]`` is :math:`Z_k`, shape (n_samples, n_k), for :math:`k = 1, \dots, l`.
    a : dict of int to ndarray
        ``a[k]`` is :math:`A_k`, shape (n_samples, n_k), for :math:`k = 0, \dots, l`.
        ``a[0]`` is the input batch :math:`X`, and ``a[l]`` equals ``z[l]``, the logits.
    """

    z: dict
    a: dict

    @property
    def logits(self):
        r"""The logits :math:`p = z_l`, shape (n_samples, T)."""
        return self.z[len(self.z)]


@dataclass(frozen=True)
class LayerGradients:
    r"""The gradients of the loss for layer :math:`k`, over a batch.

    Attributes
    ----------
    k : int
        The layer, from 1 to :math:`l`.
    delta : ndarray, shape (n_samples, n_k)
        :math:`\delta_k = \partial L / \partial z_k`, one row per example.
    dW : ndarray, shape (n_{k-1}, n_k)
        :math:`\partial L / \partial W_k = A_{k-1}^\top \Delta_k`.
    db : ndarray, shape (n_k,)
        :math:`\partial L / \partial b_k`, the sum of :math:`\delta_k` over examples.
    da_prev : ndarray, shape (n_samples, n_{k-1})
        :math:`\partial L / \partial a_{k-1} = \Delta_k W_k^\top`, which layer
        :math:`k - 1` receives. For :math:`k = 1` it is the gradient with
        respect to the input.
    """

    k: int
    delta: np.ndarray
    dW: np.ndarray
    db: np.ndarray
    da_prev: np.ndarray


class Network:
    r"""A fully connected classifier :math:`x \mapsto p` trained with a loss on :math:`f = \mathrm{softmax}(p)`.

    Parameters
    ----------
    layer_sizes : sequence of int
        :math:`[N, n_1, \dots, n_{l-1}, T]`: the input width, the hidden widths
        and the number of classes. ``[N, T]`` has no hidden layer and is the
        softmax classifier :math:`p = W^\top x + b`. Between 1 and
        :data:`MAX_DEPTH` weight layers.
    activation : str, default "relu"
        The hidden activation :math:`\sigma`: "relu", "leaky_relu", "sigmoid",
        "tanh" or "identity". The output layer has none.
    init : str, default "he"
        "glorot", "he" or "gaussian" (see :mod:`backprop_viz.initializers`).
    init_scale : float, default 1.0
        A gain on the initial standard deviation for "glorot" and "he", and
        the standard deviation itself for "gaussian".
    loss : str, default "cross_entropy"
        A name from :data:`backprop_viz.losses.LOSSES`.
    seed : int, numpy.random.Generator or None, default 0
        Seeds the initial weights.
    slope : float, optional
        The negative slope of "leaky_relu" (0.01 when omitted).

    Attributes
    ----------
    weights : dict of int to ndarray
        ``weights[k]`` is :math:`W_k`, shape (n_{k-1}, n_k).
    biases : dict of int to ndarray
        ``biases[k]`` is :math:`b_k`, shape (n_k,).
    """

    def __init__(self, layer_sizes, activation="relu", init="he", init_scale=1.0, loss="cross_entropy", seed=0, slope=None):
        self.layer_sizes = _check_layer_sizes(layer_sizes)
        self.activation = get_activation(activation, slope)
        if init not in INITIALIZERS:
            raise ValueError(f"init must be one of {sorted(INITIALIZERS)}, got {init!r}")
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {sorted(LOSSES)}, got {loss!r}")
        self.init = init
        self.loss = loss

        rng = make_rng(seed)
        self.weights = {}
        self.biases = {}
        for k in self.layers:
            n_in, n_out = self.layer_sizes[k - 1], self.layer_sizes[k]
            self.weights[k], self.biases[k] = initialize_layer(init, n_in, n_out, rng, init_scale)

    def __repr__(self):
        sizes = list(self.layer_sizes)
        return f"Network({sizes}, activation={self.activation.name!r}, init={self.init!r}, loss={self.loss!r})"

    # Shape ----------------------------------------------------------------

    @property
    def depth(self):
        r"""The number of weight layers :math:`l`."""
        return len(self.layer_sizes) - 1

    @property
    def layers(self):
        r"""The layer indices :math:`1, \dots, l`."""
        return range(1, self.depth + 1)

    @property
    def n_features(self):
        """N, the length of one input vector."""
        return self.layer_sizes[0]

    @property
    def n_classes(self):
        """T, the number of classes."""
        return self.layer_sizes[-1]

    @property
    def n_parameters(self):
        r"""The number of weights and biases, :math:`\sum_k (n_{k-1} + 1) n_k`."""
        return sum(self.weights[k].size + self.biases[k].size for k in self.layers)

    # Forward pass ---------------------------------------------------------

    def forward(self, X):
        r"""Run the batch through every layer and keep what the backward pass needs.

        Parameters
        ----------
        X : array_like, shape (n_samples, N)

        Returns
        -------
        cache : ForwardCache
            Every :math:`Z_k` and :math:`A_k`.
        logits : ndarray, shape (n_samples, T)
            :math:`p = z_l`.
        """
        X = self._check_inputs(X)
        z = {}
        a = {0: X}

        for k in self.layers:
            z[k] = a[k - 1] @ self.weights[k] + self.biases[k]
            a[k] = self.activation.function(z[k]) if k < self.depth else z[k]

        return ForwardCache(z=z, a=a), z[self.depth]

    def predict_proba(self, X):
        r"""Compute :math:`f = \mathrm{softmax}(p)` for each example, shape (n_samples, T)."""
        _, logits = self.forward(X)
        return softmax(logits)

    def predict(self, X):
        r"""Return the predicted class :math:`\arg\max_i p_i` of each example, shape (n_samples,)."""
        _, logits = self.forward(X)
        return np.argmax(logits, axis=1)

    def accuracy(self, X, z):
        """Return the fraction of examples whose predicted class is ``z``."""
        _, logits = self.forward(X)
        z = self._check_labels(z, len(logits))
        return float(np.mean(np.argmax(logits, axis=1) == z))

    def compute_loss(self, X, z):
        r"""Return the loss :math:`L` of the batch, reduced as in :meth:`loss_and_gradients`."""
        return self.evaluate(X, z)[0]

    def evaluate(self, X, z):
        r"""Return the loss and the accuracy of the batch from a single forward pass.

        Returns
        -------
        (float, float)
        """
        _, logits = self.forward(X)
        z = self._check_labels(z, len(logits))

        loss, _ = self._loss_and_dlogits(logits, z)
        accuracy = np.mean(np.argmax(logits, axis=1) == z)
        return float(loss), float(accuracy)

    # Backward pass, one factor at a time ----------------------------------

    def activation_backward(self, cache, k, upstream):
        r"""Multiply the upstream gradient by the transposed Jacobian of :math:`a_k = \sigma(z_k)`.

        The Jacobian is diagonal, :math:`\operatorname{diag}(\sigma'(z_k))`, so
        the product is elementwise:

        .. math:: \delta_k = \sigma'(z_k) \odot \frac{\partial L}{\partial a_k}

        The output layer :math:`k = l` has no activation, so there
        :math:`\delta_l = \partial L / \partial p` passes through unchanged.

        Parameters
        ----------
        cache : ForwardCache
        k : int
            The layer, from 1 to :math:`l`.
        upstream : array_like, shape (n_samples, n_k)
            :math:`\partial L / \partial a_k`.

        Returns
        -------
        ndarray, shape (n_samples, n_k)
            :math:`\delta_k = \partial L / \partial z_k`.
        """
        k = self._check_layer_index(k)
        upstream = _check_shape(upstream, cache.z[k].shape, "upstream")
        if k == self.depth:
            return upstream
        return self.activation.derivative(cache.z[k]) * upstream

    def linear_backward(self, cache, k, delta):
        r"""Multiply :math:`\delta_k` by the transposed Jacobians of :math:`z_k = W_k^\top a_{k-1} + b_k`.

        .. math::

            \frac{\partial L}{\partial W_k} = A_{k-1}^\top \Delta_k, \qquad
            \frac{\partial L}{\partial b_k} = \sum_{\text{examples}} \delta_k, \qquad
            \frac{\partial L}{\partial A_{k-1}} = \Delta_k W_k^\top

        ``cache`` must come from a forward pass with the current weights.

        Parameters
        ----------
        cache : ForwardCache
        k : int
            The layer, from 1 to :math:`l`.
        delta : array_like, shape (n_samples, n_k)
            :math:`\delta_k = \partial L / \partial z_k`.

        Returns
        -------
        dW : ndarray, shape (n_{k-1}, n_k)
        db : ndarray, shape (n_k,)
        da_prev : ndarray, shape (n_samples, n_{k-1})
        """
        k = self._check_layer_index(k)
        delta = _check_shape(delta, cache.z[k].shape, "delta")

        dW = cache.a[k - 1].T @ delta
        db = delta.sum(axis=0)
        da_prev = delta @ self.weights[k].T
        return dW, db, da_prev

    def backward(self, cache, dlogits):
        r"""Run the backward pass from :math:`\partial L / \partial p` down to layer 1.

        It alternates the two Jacobian-transpose products, from :math:`k = l` down:
        :meth:`linear_backward` gives :math:`\partial L / \partial W_k`,
        :math:`\partial L / \partial b_k` and :math:`\partial L / \partial a_{k-1}`, then
        :meth:`activation_backward` turns the last into :math:`\delta_{k-1}`.

        Parameters
        ----------
        cache : ForwardCache
            From :meth:`forward` with the current weights.
        dlogits : array_like, shape (n_samples, T)
            :math:`\delta_l = \partial L / \partial p`.

        Returns
        -------
        dict of int to LayerGradients
            Keyed by layer :math:`k = 1, \dots, l`.
        """
        delta = self.activation_backward(cache, self.depth, dlogits)
        gradients = {}

        for k in reversed(self.layers):
            dW, db, da_prev = self.linear_backward(cache, k, delta)
            gradients[k] = LayerGradients(k=k, delta=delta, dW=dW, db=db, da_prev=da_prev)
            if k > 1:
                delta = self.activation_backward(cache, k - 1, da_prev)

        return {k: gradients[k] for k in self.layers}

    def loss_and_gradients(self, X, z):
        r"""Compute the loss of a batch and the gradients of every layer.

        Parameters
        ----------
        X : array_like, shape (n_samples, N)
        z : array_like of int, shape (n_samples,)
            The correct class of each example, in ``range(T)``.

        Returns
        -------
        loss : float
            The loss :math:`L` with ``reduction="mean"``: the mean over
            examples for "cross_entropy" and "cosine_distance", and over all
            n_samples x T entries of :math:`f - y` for the elementwise losses.
        gradients : dict of int to LayerGradients
            Keyed by layer :math:`k = 1, \dots, l`.

        If the parameters are so large that the logits overflow to inf or nan,
        the loss and every gradient are nan, and no error is raised.
        """
        cache, logits = self.forward(X)
        z = self._check_labels(z, len(logits))

        loss, dlogits = self._loss_and_dlogits(logits, z)
        return float(loss), self.backward(cache, dlogits)

    def _loss_and_dlogits(self, logits, z):
        r"""Return the loss and :math:`\partial L / \partial p`, both nan if the logits are not finite.

        Logits overflow when the parameters have grown too large. The loss
        functions reject non-finite input, so this returns nan, as a float
        computation would, and lets the caller decide.
        """
        if not np.all(np.isfinite(logits)):
            return np.nan, np.full_like(logits, np.nan)
        return gradient_wrt_logits(self.loss, logits, z)

    # Parameters -----------------------------------------------------------

    def parameters(self):
        r"""Return :math:`[(W_1, b_1), \dots, (W_l, b_l)]`.

        The arrays are the network's own, so changing them in place (as the
        optimisers do) changes the network.
        """
        return [(self.weights[k], self.biases[k]) for k in self.layers]

    def set_parameters(self, parameters):
        r"""Copy :math:`[(W_1, b_1), \dots, (W_l, b_l)]` into the network's arrays.

        Raises ``ValueError`` if the number of layers or any shape differs.
        """
        parameters = list(parameters)
        if len(parameters) != self.depth:
            raise ValueError(f"parameters must contain {self.depth} (W, b) pairs, got {len(parameters)}")

        for k, (W, b) in zip(self.layers, parameters):
            W = _check_shape(W, self.weights[k].shape, f"W_{k}")
            b = _check_shape(b, self.biases[k].shape, f"b_{k}")
            self.weights[k][...] = W
            self.biases[k][...] = b

    def get_parameter_vector(self):
        r"""Return all parameters as one vector :math:`\theta`: :math:`W_1`, :math:`b_1`, :math:`W_2`, ... each flattened row by row."""
        return np.concatenate([array.ravel() for pair in self.parameters() for array in pair])

    def set_parameter_vector(self, theta):
        r"""Write the vector :math:`\theta` of :meth:`get_parameter_vector` back into the network's arrays."""
        theta = np.asarray(theta, dtype=np.float64)
        if theta.shape != (self.n_parameters,):
            raise ValueError(f"theta must have shape ({self.n_parameters},), got {theta.shape}")

        start = 0
        for pair in self.parameters():
            for array in pair:
                array[...] = theta[start : start + array.size].reshape(array.shape)
                start += array.size

    def gradient_vector(self, gradients):
        r"""Flatten per-layer gradients in the order of :meth:`get_parameter_vector`."""
        return np.concatenate([np.concatenate([gradients[k].dW.ravel(), gradients[k].db]) for k in self.layers])

    def loss_function(self, X, z):
        r"""Return :math:`\theta \mapsto L(\theta)` on this batch, for finite-difference checks.

        The function evaluates a copy of the network, so calling it leaves
        this network unchanged.
        """
        probe = self.copy()

        def loss_at(theta):
            probe.set_parameter_vector(theta)
            return probe.compute_loss(X, z)

        return loss_at

    def copy(self):
        """Return an independent copy, with its own parameter arrays."""
        return copy.deepcopy(self)

    # Input checks ---------------------------------------------------------

    def _check_inputs(self, X):
        shape = np.shape(X)
        if len(shape) != 2 or shape[1] != self.n_features:
            hint = " (use X.reshape(1, -1) for a single example)" if len(shape) == 1 else ""
            raise ValueError(f"X must have shape (n_samples, {self.n_features}), got shape {shape}{hint}")
        return as_float_array(X, "X", min_ndim=2)

    def _check_labels(self, z, n_samples):
        z = np.asarray(z)
        if z.shape != (n_samples,):
            raise ValueError(f"z must have shape ({n_samples},), one class index per row of X, got shape {z.shape}")

        if not np.issubdtype(z.dtype, np.integer):
            is_whole = np.issubdtype(z.dtype, np.floating) and np.all(np.isfinite(z)) and np.all(z == np.round(z))
            if not is_whole:
                raise ValueError(f"z must contain integer class indices, got dtype {z.dtype}")
        z = z.astype(np.int64)

        if z.min() < 0 or z.max() >= self.n_classes:
            raise ValueError(f"z must contain class indices in [0, {self.n_classes - 1}], got values from {z.min()} to {z.max()}")
        return z

    def _check_layer_index(self, k):
        if not isinstance(k, (int, np.integer)) or not 1 <= k <= self.depth:
            raise ValueError(f"k must be a layer index from 1 to {self.depth}, got {k!r}")
        return int(k)


def _check_layer_sizes(layer_sizes):
    try:
        sizes = list(layer_sizes)
    except TypeError as error:
        raise ValueError(f"layer_sizes must be a list of integers [N, n_1, ..., T], got {layer_sizes!r}") from error

    if len(sizes) < 2:
        raise ValueError(f"layer_sizes must contain at least the input width N and the number of classes T, got {sizes!r}")
    for position, size in enumerate(sizes):
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
            raise ValueError(f"layer_sizes must contain positive integers, got {size!r} at position {position} of {sizes!r}")
    if sizes[-1] < 2:
        raise ValueError(f"the last layer size T is the number of classes and must be >= 2, got {sizes[-1]}")

    depth = len(sizes) - 1
    if depth > MAX_DEPTH:
        raise ValueError(f"depth (the number of weight layers) must be from 1 to {MAX_DEPTH}, got {depth} from {len(sizes)} layer sizes")
    return tuple(int(size) for size in sizes)


def _check_shape(value, shape, name):
    array = np.asarray(value, dtype=np.float64)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape}, got {array.shape}")
    return array
