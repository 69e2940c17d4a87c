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
