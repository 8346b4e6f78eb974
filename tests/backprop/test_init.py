"""Tests of backprop/__init__.py: backprop's public names stay where callers found them.

Every name the package exported before the split of training.py into training, runs, reading and planes is still
exported."""
import backprop as bp

EXPORTED_BEFORE_THE_SPLIT = [
    "ACTIVATIONS", "BUGS", "DATASETS", "LOSSES", "OPTIMIZERS", "OUTPUTS", "REGRESSION", "Activation", "Dataset",
    "Descent", "ForwardCache", "GradientCheck", "Grads", "LayerGradients", "LayerSignal", "History", "Loss", "Network",
    "NetworkCache", "OutputLayer", "Params", "Snapshot", "TrainConfig", "TrainState", "accuracy",
    "activation_backward", "activation_forward", "backward", "backward_with_bug", "bias_gradient", "descend",
    "descent_step", "forward", "get_activation", "get_loss", "get_output", "gradient_check", "hidden_delta",
    "hidden_layer_gradient", "identity", "identity_grad", "init_network", "init_params", "layer_signal",
    "interpret_rel_error", "linear", "linear_backward", "linear_forward", "loss_value", "make_dataset",
    "network_backward", "network_forward", "network_gradients", "network_loss_and_grads", "numerical_gradient",
    "output_delta", "output_layer_gradient", "output_loss", "predict", "rel_error", "relu", "relu_grad", "sigmoid",
    "sigmoid_grad", "softmax", "tanh", "tanh_grad", "train", "train_config",
]


def test_every_name_exported_before_is_still_exported():
    missing = [name for name in EXPORTED_BEFORE_THE_SPLIT if name not in bp.__all__ or not hasattr(bp, name)]
    assert missing == []


def test_the_run_model_and_its_readings_are_reachable_as_modules():
    from backprop import planes, reading, runs, training

    assert bp.train_config is runs.train_config and bp.TrainConfig is runs.TrainConfig
    assert bp.train is training.train and reading.read_run and planes.plane
