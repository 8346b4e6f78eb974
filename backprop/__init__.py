"""backprop: a small, exact, from-scratch MLP in numpy, written to mirror Assignment 5.

Notation, fixed once for the whole package (row-vector convention, as in the assignment):

    N  samples in a batch          X  (N, D)      Z1, A1, delta1  (N, H)
    D  inputs per sample           W1 (D, H)      b1 (H,)
    H  hidden units                W2 (H, C)      b2 (C,)
    C  outputs                     Z2, A2, delta2, y  (N, C)

Forward:   Z1 = X·W1 + b1,  A1 = σ(Z1),  Z2 = A1·W2 + b2,  A2 = g(Z2)
Backward:  delta2 = ∂L/∂Z2,  dW2 = A1ᵀ·delta2,  delta1 = (delta2·W2ᵀ) ∗ σ′(Z1),  dW1 = Xᵀ·delta1,
           db2 = Σₙ delta2,  db1 = Σₙ delta1
Update:    θ ← θ − η·∂L/∂θ for θ in W1, b1, W2, b2  (``update``)

Every loss is a mean over the N samples, so delta2 already carries the 1/N and every gradient is
a sum over samples of the rows of the deltas. All arrays are float64. Bad input raises ValueError
naming the argument and its shape. Nothing here imports streamlit, plotly or pandas.

Backpropagation itself lives in ``layers``: a forward/backward pair per layer (linear, activation,
and the output's loss). ``network`` chains them into the 2-layer MLP above and into a ``Network`` of
any depth (sizes D, H1, …, C; W_l of shape (sizes[l−1], sizes[l])); everything else — training, the
gradient check, the deep stack of Problem 1, the diagnosis of wrong answers — goes through them.

Training in four modules, one job each: ``training`` (the loop: ``train`` → ``History``), ``runs`` (the lab's run
model: ``TrainConfig`` → ``Run``, advanced a few epochs at a time), ``reading`` (what a run did, in the numbers its
lesson quotes) and ``planes`` (pictures over the input plane).
"""
from backprop.activations import (
    ACTIVATIONS,
    OUTPUTS,
    Activation,
    get_activation,
    get_output,
    identity,
    identity_grad,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    tanh,
    tanh_grad,
)
from backprop.datasets import DATASETS, REGRESSION, Dataset, make_dataset
from backprop.gradcheck import (
    BUGS,
    GradientCheck,
    backward_with_bug,
    gradient_check,
    interpret_rel_error,
    numerical_gradient,
    rel_error,
)
from backprop.layers import (
    activation_backward,
    activation_forward,
    linear_backward,
    linear_forward,
    output_loss,
)
from backprop.losses import LOSSES, Loss, get_loss
from backprop.network import (
    ForwardCache,
    Grads,
    LayerGradients,
    LayerSignal,
    Network,
    NetworkCache,
    OutputLayer,
    Params,
    backward,
    bias_gradient,
    forward,
    hidden_delta,
    hidden_layer_gradient,
    init_network,
    init_params,
    layer_signal,
    linear,
    network_backward,
    network_forward,
    network_gradients,
    network_loss_and_grads,
    output_delta,
    output_layer_gradient,
    predict,
)
from backprop.optim import OPTIMIZERS
from backprop.runs import TrainConfig, train_config
from backprop.training import History, Snapshot, TrainState, accuracy, train
from backprop.update import Descent, descend, descent_step, loss_value

__all__ = [
    "ACTIVATIONS",
    "BUGS",
    "DATASETS",
    "LOSSES",
    "OPTIMIZERS",
    "OUTPUTS",
    "REGRESSION",
    "Activation",
    "Dataset",
    "Descent",
    "ForwardCache",
    "GradientCheck",
    "Grads",
    "LayerGradients",
    "LayerSignal",
    "History",
    "Loss",
    "Network",
    "NetworkCache",
    "OutputLayer",
    "Params",
    "Snapshot",
    "TrainConfig",
    "TrainState",
    "accuracy",
    "activation_backward",
    "activation_forward",
    "backward",
    "backward_with_bug",
    "bias_gradient",
    "descend",
    "descent_step",
    "forward",
    "get_activation",
    "get_loss",
    "get_output",
    "gradient_check",
    "hidden_delta",
    "hidden_layer_gradient",
    "identity",
    "identity_grad",
    "init_network",
    "init_params",
    "layer_signal",
    "interpret_rel_error",
    "linear",
    "linear_backward",
    "linear_forward",
    "loss_value",
    "make_dataset",
    "network_backward",
    "network_forward",
    "network_gradients",
    "network_loss_and_grads",
    "numerical_gradient",
    "output_delta",
    "output_layer_gradient",
    "output_loss",
    "predict",
    "rel_error",
    "relu",
    "relu_grad",
    "sigmoid",
    "sigmoid_grad",
    "softmax",
    "tanh",
    "tanh_grad",
    "train",
    "train_config",
]
