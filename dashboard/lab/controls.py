"""The training lab's settings: the choices each control offers, the lessons (presets), the per-run work cap,
the rules that keep a config possible, and the settings as a share link.

Pure functions over backprop.TrainConfig; the page turns widgets into a config and back with them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from backprop.datasets import MAX_CLASSES, MULTICLASS, REGRESSION
from backprop.runs import HEADS, TrainConfig

# --- what each control offers ------------------------------------------------------------------------

DATASET_LABELS = {
    "xor": "XOR (four clusters)",
    "circles": "Circles",
    "moons": "Two moons",
    "spirals": "Spirals",
    "blobs": "Blobs",
    "surface": "Regression surface",
    "assignment": "Assignment 5's sample (one point)",
}
#: Output and loss, as one choice: label → (output, loss), one per backprop.runs.HEADS.
HEAD_LABELS = {f"{output} + {loss}": (output, loss) for output, loss in HEADS}
HIDDEN_ACTIVATIONS = ["sigmoid", "tanh", "relu", "identity"]
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum 0.9", "adam": "Adam"}
LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 10.0, 30.0]
#: Initial weight std; None is 1/√fan-in (LeCun).
INIT_SCALES: list[float | None] = [None, 0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0, 5.0]
#: Samples per update; None is every training sample (full batch).
BATCH_SIZES: list[int | None] = [None, 1, 2, 4, 8, 16, 32, 64, 128]
L2_STRENGTHS = [0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1]
TEST_RATIOS = [round(0.1 * i, 1) for i in range(10)]
NOISES = [round(0.05 * i, 2) for i in range(13)]
SAMPLES = range(20, 1001, 10)
EPOCHS = range(10, 5001, 10)
CLASSES = range(2, MAX_CLASSES + 1)
MAX_LAYERS, MAX_WIDTH = 4, 16
MAX_SEED = 9999


def init_label(scale: float | None) -> str:
    return "1/√fan-in" if scale is None else f"{scale:g}"


def batch_label(size: int | None) -> str:
    return "all" if size is None else str(size)


def head_of(config: TrainConfig) -> str:
    return next(label for label, pair in HEAD_LABELS.items() if pair == (config.output, config.loss))


def heads_for(config: TrainConfig) -> list[str]:
    """The output/loss choices the data allows: identity + mse for a regression set, softmax + ce for more than
    two classes, any for two classes or the assignment's sample (whose targets (0, 1) fit every loss)."""
    if config.dataset in REGRESSION:
        return ["identity + mse"]
    if (config.classes or 2) > 2:
        return ["softmax + ce"]
    return list(HEAD_LABELS)


# --- keeping a config possible ---------------------------------------------------------------------


def normalise(config: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """``config`` with the settings its data rules out put right, and a sentence for each change.

    Other data sets than spirals and blobs have two classes; the assignment's one sample cannot be split; the
    output and loss must suit the data (heads_for).
    """
    notes = []
    if config.dataset not in MULTICLASS and config.n_classes != 2:
        config = replace(config, n_classes=2)
    if config.dataset == "assignment" and config.test_ratio:
        config = replace(config, test_ratio=0.0)
    allowed = heads_for(config)
    if head_of(config) not in allowed:
        output, loss = HEAD_LABELS[allowed[0]]
        why = ("a regression set has real-valued targets" if config.dataset in REGRESSION
               else f"{config.n_classes} classes need one output per class")
        notes.append(f"Output and loss switched from {head_of(config)} to {allowed[0]}: {why}.")
        config = replace(config, output=output, loss=loss)
    return config, notes


# --- the work cap ----------------------------------------------------------------------------------

#: Estimated seconds of one core one run may use, so that a visitor of a hosted demo cannot hold the server:
#: about five times the longest lesson (Spirals, 0.3 s).
WORK_CAP = 1.5


def split_sizes(config: TrainConfig) -> tuple[int, int]:
    """(training samples, test samples), as Dataset.split divides config.n_samples."""
    if config.dataset == "assignment":
        return 1, 0
    n = config.n_samples
    test = min(int(round(config.test_ratio * n)), n - 1)
    return n - test, test


def outputs(config: TrainConfig) -> int:
    """C: the number of output units."""
    if config.output == "softmax":
        return config.classes or 2
    return 2 if config.dataset == "assignment" else 1


def layer_sizes(config: TrainConfig) -> tuple[int, ...]:
    """(D, H1, …, C)."""
    return (2, *config.hidden_sizes, outputs(config))


def work(config: TrainConfig) -> float:
    """Estimated seconds of one core for the whole run, from its size: each update costs about 20 µs plus 6 µs per
    layer (14 with L2), and each sample in it about 0.7 ns per weight and 2 ns per unit (and 100 ns per output of a
    softmax); the test set is run forward (half that) once per epoch. Fitted on the build machine, within a factor
    of about 2 (benchmarks/bench_train.py prints the estimate beside the measured time)."""
    sizes = layer_sizes(config)
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    units = sum(sizes[1:])
    n_train, n_test = split_sizes(config)
    updates = 1 if config.batch_size is None else math.ceil(n_train / config.batch_size)
    per_sample = 0.0007 * weights + 0.002 * units + (0.1 * sizes[-1] if config.output == "softmax" else 0.0)
    layers = len(sizes) - 1
    per_update = 20 + (14 if config.l2 else 6) * layers
    per_epoch = updates * per_update + n_train * per_sample + (n_test > 0) * (10 + 3 * layers + n_test * per_sample / 2)
    return config.epochs * per_epoch * 1e-6


def apply_cap(config: TrainConfig, cap: float = WORK_CAP) -> tuple[TrainConfig, str | None]:
    """``config`` with its epochs lowered (to a multiple of 10, at least 10) to fit the cap, and a message saying
    so (None if it fitted)."""
    needed = work(config)
    if needed <= cap:
        return config, None
    per_epoch = work(replace(config, epochs=1))
    epochs = max(EPOCHS.start, int(cap / per_epoch) // EPOCHS.step * EPOCHS.step)
    message = (f"{config.epochs:,} epochs of this network on {split_sizes(config)[0]:,} training samples would need "
               f"about {needed:.1f} s of the server's time; one run may use at most {cap:g} s, so the run was cut to "
               f"{epochs:,} epochs. Fewer samples, smaller layers or a larger batch leave room for more.")
    return replace(config, epochs=epochs), message


def settle(config: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """normalise, then apply_cap: the config a run uses, and what was changed."""
    config, notes = normalise(config)
    config, cut = apply_cap(config)
    return config, notes + ([cut] if cut else [])


# --- the lessons -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A lesson: its button's label, its name in a link (?preset=…), its settings, and the runs it is compared
    with (label → the settings that change)."""

    label: str
    slug: str
    config: TrainConfig
    variants: tuple[tuple[str, Mapping], ...] = ()


PRESETS = {p.label: p for p in (
    Preset("Learn XOR", "xor", TrainConfig()),
    Preset("Vanishing gradients", "vanishing",
           TrainConfig(hidden_sizes=(8, 8, 8, 8), hidden="sigmoid", init_scale=0.1, lr=0.5, epochs=1000),
           (("tanh instead of sigmoid", {"hidden": "tanh"}),
            ("initial weights of std 1/√fan-in instead of 0.1", {"init_scale": None}))),
    Preset("Learning rate too large",
           "lr-too-large", TrainConfig(dataset="surface", noise=0.1, output="identity", loss="mse", init_scale=None,
                                       lr=2.0, epochs=500),
           (("learning rate 0.5", {"lr": 0.5}),)),
    Preset("Spirals", "spirals",
           TrainConfig(dataset="spirals", n_samples=300, noise=0.05, hidden_sizes=(16, 16, 16), init_scale=None,
                       optimizer="adam", lr=0.01, epochs=1500),
           (("one hidden layer of 4 units", {"hidden_sizes": (4,)}),
            ("noise 0.2 instead of 0.05", {"noise": 0.2}))),
    Preset("Overfitting", "overfitting",
           TrainConfig(dataset="moons", n_samples=60, noise=0.3, test_ratio=0.5, hidden_sizes=(16, 16, 16),
                       init_scale=None, optimizer="adam", lr=0.01, epochs=2000),
           (("L2 strength 0.003", {"l2": 0.003}),)),
    Preset("Assignment 5's network", "assignment",
           TrainConfig(dataset="assignment", test_ratio=0.0, hidden_sizes=(2,), hidden="sigmoid", output="sigmoid",
                       loss="mse", lr=2.0, epochs=300)),
)}
DEFAULT_PRESET = "Learn XOR"


def preset_config(label: str) -> TrainConfig:
    return PRESETS[label].config


def variant_configs(preset: Preset) -> list[tuple[str, TrainConfig]]:
    return [(label, replace(preset.config, **changes)) for label, changes in preset.variants]


def preset_of(config: TrainConfig) -> str | None:
    """The label of the lesson whose settings ``config`` is exactly, or None."""
    return next((p.label for p in PRESETS.values() if p.config == config), None)


# --- the settings in a link ------------------------------------------------------------------------

#: URL name → TrainConfig field, in the order a link lists them.
URL_FIELDS = {
    "data": "dataset", "classes": "n_classes", "n": "n_samples", "noise": "noise", "test": "test_ratio",
    "dseed": "data_seed", "layers": "hidden_sizes", "act": "hidden", "out": "output", "init": "init_scale",
    "seed": "seed", "lr": "lr", "opt": "optimizer", "batch": "batch_size", "l2": "l2", "epochs": "epochs",
}
MAX_PARAM_CHARS = 40
_INT = re.compile(r"\d{1,6}")
_FLOAT = re.compile(r"\d{1,6}(?:\.\d{1,8})?(?:e-?\d{1,2})?")


class LinkError(ValueError):
    """A link parameter that cannot be used; the message names it and never quotes its value."""


def _number(name: str, text: str, allowed) -> float:
    if not _FLOAT.fullmatch(text):
        raise LinkError(f"{name}: not a plain number")
    value = float(text)
    match = next((a for a in allowed if a is not None and math.isclose(a, value, rel_tol=1e-9)), None)
    if match is None:
        raise LinkError(f"{name}: not one of the values the control offers")
    return match


def _integer(name: str, text: str, allowed: range) -> int:
    if not _INT.fullmatch(text) or int(text) not in allowed:
        raise LinkError(f"{name}: must be a whole number from {allowed.start} to {allowed[-1]}"
                        + (f" in steps of {allowed.step}" if allowed.step > 1 else ""))
    return int(text)


def _choice(name: str, text: str, allowed) -> str:
    if text not in allowed:
        raise LinkError(f"{name}: must be one of {', '.join(allowed)}")
    return text


def _parse(name: str, text: str):
    """The TrainConfig value of one link parameter; LinkError if it is not one the controls offer."""
    if name == "data":
        return _choice(name, text, DATASET_LABELS)
    if name == "classes":
        return _integer(name, text, CLASSES)
    if name == "n":
        return _integer(name, text, SAMPLES)
    if name == "noise":
        return _number(name, text, NOISES)
    if name == "test":
        return _number(name, text, TEST_RATIOS)
    if name in ("dseed", "seed"):
        return _integer(name, text, range(MAX_SEED + 1))
    if name == "layers":
        parts = text.split(",")
        if not 1 <= len(parts) <= MAX_LAYERS:
            raise LinkError(f"{name}: must list from 1 to {MAX_LAYERS} widths")
        widths = range(1, MAX_WIDTH + 1)
        if not all(_INT.fullmatch(p) and int(p) in widths for p in parts):
            raise LinkError(f"{name}: must list each hidden layer's width, a whole number from 1 to {MAX_WIDTH}, "
                            "separated by commas (e.g. 8,8)")
        return tuple(int(p) for p in parts)
    if name == "act":
        return _choice(name, text, HIDDEN_ACTIVATIONS)
    if name == "out":
        return HEAD_LABELS[_choice(name, text.replace("-", " + "), HEAD_LABELS)]
    if name == "init":
        return None if text == "auto" else _number(name, text, INIT_SCALES)
    if name == "lr":
        return _number(name, text, LEARNING_RATES)
    if name == "opt":
        return _choice(name, text, OPTIMIZER_LABELS)
    if name == "batch":
        return None if text == "all" else int(_number(name, text, BATCH_SIZES))
    if name == "l2":
        return _number(name, text, L2_STRENGTHS)
    if name == "epochs":
        return _integer(name, text, EPOCHS)
    raise KeyError(name)


def _format(name: str, config: TrainConfig) -> str:
    if name == "out":
        return f"{config.output}-{config.loss}"
    value = getattr(config, URL_FIELDS[name])
    if name == "layers":
        return ",".join(str(w) for w in value)
    if name == "init":
        return "auto" if value is None else f"{value:g}"
    if name == "batch":
        return batch_label(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Link:
    """What a link asked for: the config (before normalise and the cap) and a warning per ignored parameter."""

    config: TrainConfig
    preset: str | None
    warnings: tuple[str, ...]


def config_from_params(params: Mapping[str, str]) -> Link:
    """The settings a link's query parameters describe, on top of the default run (or of ``preset``).

    A parameter the controls could not show (an unknown data set, a learning rate not on the slider, text that
    is not a number) is ignored with a warning that names it and never echoes its value; unknown names are left
    alone (they may belong to other pages).
    """
    warnings = []
    base, preset = TrainConfig(), None
    if "preset" in params:
        by_slug = {p.slug: p for p in PRESETS.values()}
        if params["preset"] in by_slug:
            preset = by_slug[params["preset"]].label
            base = by_slug[params["preset"]].config
        else:
            warnings.append(f"Ignored the link's preset: it must be one of {', '.join(by_slug)}.")
    changes = {}
    for name in URL_FIELDS:
        if name not in params:
            continue
        text = params[name]
        try:
            if not isinstance(text, str) or len(text) > MAX_PARAM_CHARS:
                raise LinkError(f"{name}: longer than {MAX_PARAM_CHARS} characters")
            value = _parse(name, text.strip())
        except LinkError as exc:
            warnings.append(f"Ignored the link's {exc}; it keeps its default.")
            continue
        if name == "out":
            changes["output"], changes["loss"] = value
        else:
            changes[URL_FIELDS[name]] = value
    return Link(replace(base, **changes), preset, tuple(warnings))


def params_from_config(config: TrainConfig) -> dict[str, str]:
    """The query parameters that reproduce ``config``: ``preset`` when it is a lesson's, else only the settings
    that differ from the default run."""
    label = preset_of(config)
    if label is not None and label != DEFAULT_PRESET:
        return {"preset": PRESETS[label].slug}
    default = TrainConfig()
    return {name: _format(name, config) for name in URL_FIELDS if _format(name, config) != _format(name, default)}


# --- the controls ----------------------------------------------------------------------------------

#: Control name → the TrainConfig field it sets ("layers" and "width1" … "width4" set hidden_sizes, "out" sets
#: output and loss).
CONTROLS = {"data": "dataset", "classes": "n_classes", "n": "n_samples", "noise": "noise", "test": "test_ratio",
            "dseed": "data_seed", "layers": "hidden_sizes", "act": "hidden", "out": "output", "init": "init_scale",
            "seed": "seed", "lr": "lr", "opt": "optimizer", "batch": "batch_size", "l2": "l2", "epochs": "epochs",
            **{f"width{i}": "hidden_sizes" for i in range(1, MAX_LAYERS + 1)}}


def control_value(config: TrainConfig, name: str):
    """What control ``name`` shows for ``config``: the field's value, or its label for the output and loss,
    the initial scale and the batch size."""
    if name == "layers":
        return len(config.hidden_sizes)
    if name.startswith("width"):
        return config.hidden_sizes[int(name[5:]) - 1]
    if name == "out":
        return head_of(config)
    if name == "init":
        return init_label(config.init_scale)
    if name == "batch":
        return batch_label(config.batch_size)
    return getattr(config, CONTROLS[name])


def with_control(config: TrainConfig, name: str, value) -> TrainConfig:
    """``config`` with control ``name`` set to ``value`` (as the control gives it). More hidden layers repeat the
    last layer's width."""
    if name == "layers":
        sizes = config.hidden_sizes
        count = int(value)
        return replace(config, hidden_sizes=tuple(sizes[:count]) + (sizes[-1],) * max(0, count - len(sizes)))
    if name.startswith("width"):
        sizes = list(config.hidden_sizes)
        sizes[int(name[5:]) - 1] = int(value)
        return replace(config, hidden_sizes=tuple(sizes))
    if name == "out":
        output, loss = HEAD_LABELS[value]
        return replace(config, output=output, loss=loss)
    if name == "init":
        return replace(config, init_scale=next(s for s in INIT_SCALES if init_label(s) == value))
    if name == "batch":
        return replace(config, batch_size=next(b for b in BATCH_SIZES if batch_label(b) == value))
    return replace(config, **{CONTROLS[name]: value})
