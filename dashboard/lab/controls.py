"""The training lab's settings: the choices each control offers, the lessons (presets), the per-run work cap,
the rules that keep a config possible, and the settings as a share link.

Pure functions over backprop.TrainConfig; the page turns widgets into a config and back with them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from backprop.datasets import MAX_CLASSES, MULTICLASS
from backprop.given import GivenData, GivenWeights
from backprop.runs import HEADS, OWN, TrainConfig
from backprop.update import MAX_LR
from dashboard.lab import data as own
from dashboard.parsing import EntryError, canonical, parse_number

# --- what each control offers ------------------------------------------------------------------------

DATASET_LABELS = {
    "xor": "XOR (four clusters)",
    "circles": "Circles",
    "moons": "Two moons",
    "spirals": "Spirals",
    "blobs": "Blobs",
    "surface": "Regression surface",
    "assignment": "Assignment 5's sample (one point)",
    "csv": "Your data (CSV)",
    "example": "A problem page's example",
}
#: The data sets the Data set box always offers (a learner's own appear once they have one).
BUILT_IN = [name for name in DATASET_LABELS if name not in OWN]
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


def learning_rates(config: TrainConfig) -> list[float]:
    """The learning rates the control offers: LEARNING_RATES, and an example's own η (any its page takes)."""
    return sorted({*LEARNING_RATES, config.lr})


def init_label(scale: float | None) -> str:
    return "1/√fan-in" if scale is None else f"{scale:g}"


def batch_label(size: int | None) -> str:
    return "all" if size is None else str(size)


def head_of(config: TrainConfig) -> str:
    return next(label for label, pair in HEAD_LABELS.items() if pair == (config.output, config.loss))


def heads_for(config: TrainConfig) -> list[str]:
    """The output/loss choices the data allows: identity + mse for a regression set, softmax + ce for more than
    two classes, a sigmoid with mse or bce for an example's targets (as on its page), any for two classes or the
    assignment's sample (whose targets (0, 1) fit every loss)."""
    if config.regression:
        return ["identity + mse"]
    if config.dataset == "example":
        return ["sigmoid + mse", "sigmoid + bce"]
    if (config.classes or 2) > 2:
        return ["softmax + ce"]
    return list(HEAD_LABELS)


# --- keeping a config possible ---------------------------------------------------------------------


def normalise(config: TrainConfig) -> tuple[TrainConfig, list[str]]:
    """``config`` with the settings its data rules out put right, and a sentence for each change.

    Other data sets than spirals and blobs have two classes (a table its own number); the assignment's one sample
    and an example's few cannot be split; the output and loss must suit the data (heads_for); given starting
    weights must fit the network's sizes (else the run draws seeded ones, and says so).
    """
    notes = []
    if config.table is not None and config.table.kind == "classes":
        config = replace(config, n_classes=config.table.n_classes)
    elif config.dataset not in MULTICLASS and config.n_classes != 2:
        config = replace(config, n_classes=2)
    if config.dataset in ("assignment", "example") and config.test_ratio:
        config = replace(config, test_ratio=0.0)
    allowed = heads_for(config)
    if head_of(config) not in allowed:
        output, loss = HEAD_LABELS[allowed[0]]
        why = ("a regression set has real-valued targets" if config.regression
               else "an example's targets are between 0 and 1, as on its page" if config.dataset == "example"
               else f"{config.n_classes} classes need one output per class")
        notes.append(f"Output and loss switched from {head_of(config)} to {allowed[0]}: {why}.")
        config = replace(config, output=output, loss=loss)
    if config.start is not None and config.start.sizes != layer_sizes(config):
        notes.append(f"The starting weights given were for a network of sizes {_sizes(config.start.sizes)}; this one "
                     f"is {_sizes(layer_sizes(config))}, so it starts from seeded random weights (give weights of "
                     "its sizes to start from them).")
        config = replace(config, start=None)
    return config, notes


def _sizes(sizes) -> str:
    return "-".join(str(s) for s in sizes)


# --- the work cap ----------------------------------------------------------------------------------

#: Estimated seconds of one core one run may use, so that a visitor of a hosted demo cannot hold the server:
#: about five times the longest lesson (Spirals, 0.3 s).
WORK_CAP = 1.5


def split_sizes(config: TrainConfig) -> tuple[int, int]:
    """(training samples, test samples), as Dataset.split divides config.n_samples (a table's rows)."""
    if config.dataset == "assignment":
        return 1, 0
    n = config.n_samples if config.table is None else config.table.n_samples
    test = min(int(round(config.test_ratio * n)), n - 1)
    return n - test, test


def outputs(config: TrainConfig) -> int:
    """C: the number of output units."""
    if config.output == "softmax":
        return config.classes or 2
    if config.table is not None and config.table.kind == "targets":
        return config.table.values.shape[1]
    return 2 if config.dataset == "assignment" else 1


def layer_sizes(config: TrainConfig) -> tuple[int, ...]:
    """(D, H1, …, C)."""
    return (config.n_inputs, *config.hidden_sizes, outputs(config))


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
    """A lesson: its button's label, its name in a link (?preset=…), its settings, the runs it is compared
    with (label → the settings that change), and the epoch the page opens on (None: the last), chosen where the
    lesson's headline shows in the charts."""

    label: str
    slug: str
    config: TrainConfig
    variants: tuple[tuple[str, Mapping], ...] = ()
    opens_at: int | None = None


PRESETS = {p.label: p for p in (
    Preset("Learn XOR", "xor", TrainConfig()),
    Preset("Vanishing gradients", "vanishing",
           TrainConfig(hidden_sizes=(8, 8, 8, 8), hidden="sigmoid", init_scale=0.1, lr=0.5, epochs=1000),
           (("tanh instead of sigmoid", {"hidden": "tanh"}),
            ("initial weights of std 1/√fan-in instead of 0.1", {"init_scale": None})),
           # the vanishing is over by epoch ~21 of 1000 (the output layer has learned the class share): at the last
           # epoch the dots show the opposite of the headline
           opens_at=0),
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


def opening_epoch(config: TrainConfig) -> int | None:
    """The epoch the page shows first for ``config``: its lesson's opens_at, or None (the last)."""
    label = preset_of(config)
    return None if label is None else PRESETS[label].opens_at


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
    if name == "lr" and config.dataset == "example":
        return canonical(value)  # any η a problem page takes, to its last digit
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Link:
    """What a link asked for: the config (before normalise and the cap) and a warning per ignored parameter."""

    config: TrainConfig
    preset: str | None
    warnings: tuple[str, ...]


#: The link parameters of a learner's own data and weights: a CSV table (packed, or its digest when too large), an
#: example's X and y, and starting weights W1 … bL (or their digest).
OWN_PARAMS = ("csv", "table", "X", "y", "weights", *(f"{p}{l}" for l in range(1, MAX_LAYERS + 2) for p in "Wb"))


def _own_from_params(config: TrainConfig, params: Mapping[str, str],
                     stored: Callable[[str], object | None]) -> tuple[TrainConfig, list[str]]:
    """``config`` with the link's own data (for data=csv or data=example) and starting weights; each part that
    cannot be used is left out with a warning (the data falls back to the default data set)."""
    warnings = []
    if config.dataset == "csv":
        table = None
        try:
            if "csv" in params:
                table = own.table_from_param(params["csv"], "the link's data")
            elif isinstance(stored(params.get("table", "")), GivenData):
                table = stored(params["table"])
            else:
                warnings.append("The link's data (too large for a link) is not on this server any more: upload the "
                                "same file, and it trains with the link's other settings.")
        except own.DataError as exc:
            warnings.append(f"Ignored the link's data: {exc.refusals[0].why}.")
        config = replace(config, table=table) if table is not None else replace(config, dataset=TrainConfig.dataset)
    elif config.dataset == "example":
        try:
            X, y = (own.matrix_from_param(name, params.get(name, ""), 16) for name in ("X", "y"))
            if X.shape[0] != y.shape[0] or not ((y >= 0) & (y <= 1)).all():
                raise ValueError("X and y: one row of targets between 0 and 1 per row of X")
            table = GivenData("the link's example", "targets", X, y,
                              tuple(f"x{j + 1}" for j in range(X.shape[1])) + tuple(f"y{j + 1}" for j in
                                                                                      range(y.shape[1])),
                              standardise=False)
            config = replace(config, table=table)
        except ValueError as exc:
            warnings.append(f"Ignored the link's example ({exc}); the run uses the default data set.")
            config = replace(config, dataset=TrainConfig.dataset)
    names = [f"W{l}" for l in range(1, MAX_LAYERS + 2) if f"W{l}" in params]
    if names or "weights" in params:
        try:
            if "weights" in params:
                start = stored(params["weights"])
                if not isinstance(start, GivenWeights):
                    raise ValueError("too many to write into a link, and no longer on this server")
            else:
                start = GivenWeights(tuple(own.matrix_from_param(f"W{l}", params[f"W{l}"]) for l in range(1, len(names)
                                                                                                         + 1)),
                                     tuple(own.matrix_from_param(f"b{l}", params.get(f"b{l}", "")).reshape(-1)
                                           for l in range(1, len(names) + 1)))
            config = replace(config, start=start)
        except (ValueError, KeyError) as exc:
            warnings.append(f"Ignored the link's starting weights ({exc}); the run draws seeded ones.")
    return config, warnings


def _own_params(config: TrainConfig) -> dict[str, str]:
    """The link parameters of config's own data and starting weights (see OWN_PARAMS)."""
    out = {}
    if config.dataset == "csv":
        packed = own.table_param(config.table)
        out |= {"csv": packed} if packed is not None else {"table": config.table.digest[:16]}
    elif config.dataset == "example":
        out |= {"X": own.matrix_param(config.table.X), "y": own.matrix_param(config.table.values)}
    if config.start is not None:
        if sum(W.size + b.size for W, b in zip(config.start.Ws, config.start.bs, strict=True)) > own.MAX_LINK_WEIGHTS:
            out["weights"] = config.start.digest[:16]
        else:
            for l, (W, b) in enumerate(zip(config.start.Ws, config.start.bs, strict=True), start=1):
                out[f"W{l}"], out[f"b{l}"] = own.matrix_param(W), own.matrix_param(b)
    return out


def config_from_params(params: Mapping[str, str], stored: Callable[[str], object | None] = lambda key: None) -> Link:
    """The settings a link's query parameters describe, on top of the default run (or of ``preset``).

    A parameter the controls could not show (an unknown data set, a learning rate not on the slider, text that
    is not a number) is ignored with a warning that names it and never echoes its value; unknown names are left
    alone (they may belong to other pages). An example's learning rate may be any η its page takes (above 0, at
    most MAX_LR). ``stored(digest)`` finds a table or weights too large for a link, kept by the server.
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
            value = _example_lr(text.strip()) if name == "lr" and params.get("data") == "example" else _parse(
                name, text.strip())
        except LinkError as exc:
            warnings.append(f"Ignored the link's {exc}; it keeps its default.")
            continue
        if name == "out":
            changes["output"], changes["loss"] = value
        else:
            changes[URL_FIELDS[name]] = value
    config = replace(base, **changes)
    if config.dataset in OWN or any(name in params for name in OWN_PARAMS):
        config, more = _own_from_params(config, params, stored)
        warnings += more
    return Link(config, preset, tuple(warnings))


def _example_lr(text: str) -> float:
    """An example's η, as its page takes it: any number above 0 and at most MAX_LR, read by the one parser."""
    try:
        value = parse_number(text).value
    except EntryError:
        raise LinkError("lr: not a plain number") from None
    if not 0 < value <= MAX_LR:
        raise LinkError(f"lr: must be above 0 and at most {MAX_LR:g}")
    return value


def params_from_config(config: TrainConfig) -> dict[str, str]:
    """The query parameters that reproduce ``config``: ``preset`` when it is a lesson's, else only the settings
    that differ from the default run."""
    label = preset_of(config)
    if label is not None and label != DEFAULT_PRESET:
        return {"preset": PRESETS[label].slug}
    default = TrainConfig()
    return {name: _format(name, config) for name in URL_FIELDS
            if _format(name, config) != _format(name, default)} | _own_params(config)


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
    if name == "data" and value != config.dataset:  # a learner's table belongs to its own data set only
        return replace(config, dataset=value, table=None)
    return replace(config, **{CONTROLS[name]: value})
