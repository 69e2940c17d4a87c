"""backprop_viz: the numpy core of the lessons on softmax, losses and backpropagation.

This package imports only numpy (and scikit-learn inside the data loaders);
figures live in ``backprop_viz.views`` and widgets in ``backprop_viz.apps``.
"""
from backprop_viz.gradcheck import numerical_gradient, one_sided_differences, relative_error
from backprop_viz.losses import LOSSES, Loss, cross_entropy, cross_entropy_grad, get_loss, gradient_wrt_logits
from backprop_viz.softmax import log_softmax, naive_softmax, softmax, softmax_jacobian, softmax_vjp

__all__ = [
    "cross_entropy",
    "cross_entropy_grad",
    "get_loss",
    "gradient_wrt_logits",
    "log_softmax",
    "Loss",
    "LOSSES",
    "naive_softmax",
    "numerical_gradient",
    "one_sided_differences",
    "relative_error",
    "softmax",
    "softmax_jacobian",
    "softmax_vjp",
]

# The l-layer network, its optimisers, its trainer and its data sets.
from backprop_viz.activations import ACTIVATIONS, get_activation
from backprop_viz.datasets import DATASETS, load_dataset, load_iris, make_circles, make_moons, make_spiral, make_xor
from backprop_viz.initializers import INITIALIZERS, initialize_layer
from backprop_viz.network import MAX_DEPTH, ForwardCache, LayerGradients, Network
from backprop_viz.optimizers import OPTIMIZERS, SGD, Adam, Momentum, make_optimizer
from backprop_viz.training import DIGITS_DEFAULTS, SPIRAL_DEFAULTS, History, Trainer, TrainingDiverged

__all__ += [
    "ACTIVATIONS",
    "Adam",
    "DATASETS",
    "DIGITS_DEFAULTS",
    "ForwardCache",
    "get_activation",
    "History",
    "initialize_layer",
    "INITIALIZERS",
    "LayerGradients",
    "load_dataset",
    "load_iris",
    "make_circles",
    "make_moons",
    "make_optimizer",
    "make_spiral",
    "make_xor",
    "MAX_DEPTH",
    "Momentum",
    "Network",
    "OPTIMIZERS",
    "SGD",
    "SPIRAL_DEFAULTS",
    "Trainer",
    "TrainingDiverged",
]
