"""The training page's settings: presets, the output/loss choices and the per-run work cap.

Pure functions over backprop.TrainConfig; the page turns widgets into a config with them.
"""
from __future__ import annotations

from dataclasses import replace

from backprop.assignment import TRAIN_TARGET, X
from backprop.training import TrainConfig
from dashboard.numbers import row

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

PRESET_NOTES = {
    "Learn XOR": "A 2-8-1 tanh network learns XOR: the loss falls and the boundary bends around the clusters.",
    "Vanishing gradients": "Tiny sigmoid weights: every unit sits at σ = 0.5, the error reaching W1 is multiplied "
                           "by the tiny W2, and ‖∂L/∂W1‖ stays near zero. The loss barely moves.",
    "Learning rate too large": "With a linear output and a learning rate of 3, each step overshoots further than "
                               "the last: the loss explodes until it is no longer a finite number.",
    "Spirals (harder)": "Two interleaved spirals need a wider layer and many more epochs.",
    "Assignment 5's network": "The 2-2-2 network of Problems 2–4, starting from the assignment's W1, b1 and W2, "
                              f"trained on X = {row(X)} towards the target {row(TRAIN_TARGET)}.",
}


def preset_config(name: str) -> TrainConfig:
    return replace(TrainConfig(), **PRESETS[name])


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
