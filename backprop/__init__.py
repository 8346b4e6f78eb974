"""backprop: a small, exact, from-scratch 2-layer MLP in numpy, written to mirror Assignment 5.

Notation, fixed once for the whole package (row-vector convention, as in the assignment):

    N  samples in a batch          X  (N, D)      Z1, A1, delta1  (N, H)
    D  inputs per sample           W1 (D, H)      b1 (H,)
    H  hidden units                W2 (H, C)      b2 (C,)
    C  outputs                     Z2, A2, delta2, y  (N, C)

Forward:   Z1 = X·W1 + b1,  A1 = σ(Z1),  Z2 = A1·W2 + b2,  A2 = g(Z2)
Backward:  delta2 = ∂L/∂Z2,  dW2 = A1ᵀ·delta2,  delta1 = (delta2·W2ᵀ) ∗ σ′(Z1),  dW1 = Xᵀ·delta1

Every loss is a mean over the N samples, so delta2 already carries the 1/N and every gradient is
a sum over samples of the rows of the deltas. All arrays are float64. Bad input raises ValueError
naming the argument and its shape. Nothing here imports streamlit, plotly or pandas.
"""
from backprop.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    identity,
    identity_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    tanh,
    tanh_grad,
)
from backprop.datasets import DATASETS, Dataset, make_dataset
from backprop.gradcheck import (
    BUGS,
    GradientCheck,
    backward_with_bug,
    gradient_check,
    interpret_rel_error,
    numerical_gradient,
    rel_error,
)
from backprop.losses import LOSSES, Loss, get_loss
from backprop.network import (
    ForwardCache,
    Grads,
    Params,
    backward,
    forward,
    hidden_delta,
    hidden_layer_gradient,
    init_params,
    linear,
    output_layer_gradient,
    predict,
)
from backprop.training import History, Snapshot, TrainConfig, accuracy, train, train_config

__all__ = [
    "ACTIVATIONS",
    "BUGS",
    "DATASETS",
    "LOSSES",
    "Activation",
    "Dataset",
    "ForwardCache",
    "GradientCheck",
    "Grads",
    "History",
    "Loss",
    "Params",
    "Snapshot",
    "TrainConfig",
    "accuracy",
    "backward",
    "backward_with_bug",
    "forward",
    "get_activation",
    "get_loss",
    "gradient_check",
    "hidden_delta",
    "hidden_layer_gradient",
    "identity",
    "identity_grad",
    "init_params",
    "interpret_rel_error",
    "linear",
    "make_dataset",
    "numerical_gradient",
    "output_layer_gradient",
    "predict",
    "rel_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "tanh",
    "tanh_grad",
    "train",
    "train_config",
]
