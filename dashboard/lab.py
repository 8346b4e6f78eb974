"""The training page's settings: presets, the output/loss choices and the per-run work cap.

Pure functions over backprop.TrainConfig; the page turns widgets into a config with them.
"""
from __future__ import annotations

from dataclasses import replace

from backprop.assignment import TRAIN_TARGET, X
from backprop.training import TrainConfig
from dashboard.numbers import row, short

#: epochs × samples × hidden units allowed in one run: about one second of one core, so that one visitor
#: of a hosted demo cannot hold the server.
WORK_CAP = 20_000_000

HEADS = {
    "sigmoid + bce": ("sigmoid", "bce"),
    "sigmoid + mse": ("sigmoid", "mse"),
    "identity + mse": ("identity", "mse"),
}

DATASET_LABELS = {
    "xor": "XOR (four clusters)",
    "moons": "Two moons",
    "circles": "Circles",
    "spirals": "Spirals",
    "assignment": "Assignment 5's sample (2-2-2 network)",
}

LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0, 30.0, 100.0]
INIT_SCALES = [0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 5.0, 10.0]

#: Named starting points for the controls: the default, and one per lesson.
PRESETS: dict[str, dict] = {
    "Learn XOR": {},
    "Vanishing gradients": {"hidden": "sigmoid", "init_scale": 0.01, "epochs": 2000, "lr": 0.5},
    "Learning rate too large": {"output": "identity", "loss": "mse", "lr": 3.0},
    "Spirals (harder)": {"dataset": "spirals", "hidden_units": 32, "epochs": 3000, "lr": 1.0},
    "Assignment 5's network": {"dataset": "assignment", "hidden_units": 2, "hidden": "sigmoid", "loss": "mse",
                               "lr": 2.0, "epochs": 300},
}

def preset_config(name: str) -> TrainConfig:
    return replace(TrainConfig(), **PRESETS[name])


def _shape(config: TrainConfig) -> str:
    return f"2-{config.hidden_units}-1 {config.hidden}"


PRESET_NOTES = {
    "Learn XOR": f"A {_shape(preset_config('Learn XOR'))} network learns XOR: the loss falls and the boundary "
                 "bends around the clusters.",
    "Vanishing gradients": f"Sigmoid weights of scale {preset_config('Vanishing gradients').init_scale:g}: every "
                           "unit sits at σ = ½, the error reaching W1 is multiplied by the tiny W2, and ‖∂L/∂W1‖ "
                           "stays near zero. The loss barely moves.",
    "Learning rate too large": f"With a linear output and a learning rate of "
                               f"{preset_config('Learning rate too large').lr:g}, each step overshoots further than "
                               "the last: the loss explodes until it is no longer a finite number.",
    "Spirals (harder)": f"Two interleaved spirals need a wider layer ({_shape(preset_config('Spirals (harder)'))}) "
                        f"and more epochs ({preset_config('Spirals (harder)').epochs:,}).",
    "Assignment 5's network": "The 2-2-2 network of Problems 2–4, starting from the assignment's W1, b1 and W2, "
                              f"trained on X = {row(X)} towards the target {row(TRAIN_TARGET)}.",
}


def lessons(history, config: TrainConfig) -> list[tuple[str, str]]:
    """What a run teaches, as (kind, text): "error" for divergence, "warning" for a loss that rose,
    "info" for a first-layer gradient that vanished. Numbers come from the History."""
    out = []
    if history.diverged_at is not None:
        out.append(("error", f"**The loss stopped being a finite number at epoch {history.diverged_at}**, so "
                             f"training stopped there. With a learning rate of {config.lr:g}, each update "
                             "W ← W − lr·∂L/∂W overshoots the minimum by more than the last, so the weights and the "
                             "loss grow without bound until they overflow. Lower the learning rate (or use a sigmoid "
                             "output, which bounds the outputs) and train again; a very large initial weight scale "
                             "can do the same."))
    elif history.loss_rose:
        out.append(("warning", f"**The loss went up** (from {short(history.losses[0])} to "
                               f"{short(history.final_loss)}): with a learning rate of {config.lr:g} the steps "
                               "overshoot, so the loss bounces up the other side of the valley instead of settling "
                               "in it. Try a smaller learning rate."))
    shrink = history.first_layer_shrink
    if shrink > 20:
        how = "zero" if shrink == float("inf") else f"{shrink:.0f} times smaller than ‖∂L/∂W2‖"
        out.append(("info", f"At epoch 0, ‖∂L/∂W1‖ is {how}: the error reaching the first layer has been "
                            "multiplied by W2 and by σ′ on the way back, so W1 hardly changes. The first layer's "
                            "gradient has vanished."))
    return out


def work(config: TrainConfig) -> int:
    samples = 1 if config.dataset == "assignment" else config.n_samples
    return config.epochs * samples * config.hidden_units


def apply_cap(config: TrainConfig, cap: int = WORK_CAP) -> tuple[TrainConfig, str | None]:
    """``config`` with its epochs lowered to fit the cap, and a message saying so (None if it fitted)."""
    if work(config) <= cap:
        return config, None
    per_epoch = work(replace(config, epochs=1))
    epochs = max(1, cap // per_epoch)
    message = (
        f"This run would be {config.epochs:,} epochs × {per_epoch // config.hidden_units:,} samples × "
        f"{config.hidden_units} hidden units = {work(config):,} units of work; one run may use at most "
        f"{cap:,}. It was cut to {epochs:,} epochs. Use fewer samples or hidden units to train longer."
    )
    return replace(config, epochs=epochs), message
