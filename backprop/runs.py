"""The training lab's run model: a run described by its settings (TrainConfig), started, advanced a few epochs at a
time exactly as one uninterrupted run, and trained to its end.

A run's data is a seeded toy set (backprop.datasets), the assignment's one sample (backprop.assignment), which
is why this module, and not the training loop, knows the assignment, or a learner's own table (backprop.given: a
CSV, or a problem page's example); it starts from seeded weights or from given ones.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from backprop._checks import finite_float, positive_int
from backprop.assignment import training_example
from backprop.datasets import DATASETS, MULTICLASS, REGRESSION, Dataset, make_dataset
from backprop.given import GivenData, GivenWeights, Scaling
from backprop.network import Network, init_network
from backprop.optim import OPTIMIZERS
from backprop.training import History, Snapshot, evenly_spaced_epochs, train

#: Where each output goes with each loss: (output activation, loss).
HEADS = (("sigmoid", "bce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))
#: Data sets that are a learner's own table (TrainConfig.table): an uploaded or pasted CSV (classes or a regression
#: target, standardised), or a problem page's example (targets between 0 and 1, used as they are).
OWN = {"csv": ("classes", "regression"), "example": ("targets",)}


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; equal configs give identical runs.

    Data: ``dataset`` is a name from backprop.DATASETS or REGRESSION, "assignment" for the single
    sample of Problems 2–4 (backprop.assignment.training_example), or one of OWN with the learner's ``table``;
    n_classes for spirals and blobs (and a table's classes); ``test_ratio`` of the samples is held out
    (Dataset.split, seeded with data_seed).
    Network: hidden_sizes (H1, …) gives one hidden layer per entry; init_scale is the std of the initial
    weights, or None for 1/√fan-in, unless ``start`` gives the starting weights; output/loss is one of HEADS.
    Optimiser: lr, optimizer ("sgd", "momentum", "adam"), batch_size (None: all training samples), l2.
    Kept: ``snapshots`` evenly spaced epochs keep their network and gradients (the lab's scrubber and the frames
    its Play sends the browser: about a hundred, so that a play-through stays a few megabytes).
    """

    dataset: str = "xor"
    n_samples: int = 200
    noise: float = 0.2
    data_seed: int = 0
    n_classes: int = 2
    test_ratio: float = 0.2
    hidden_sizes: tuple[int, ...] = (8,)
    hidden: str = "tanh"
    output: str = "sigmoid"
    loss: str = "bce"
    init_scale: float | None = 1.0
    seed: int = 0
    lr: float = 0.5
    optimizer: str = "sgd"
    batch_size: int | None = None
    l2: float = 0.0
    epochs: int = 500
    snapshots: int = 101
    table: GivenData | None = None
    start: GivenWeights | None = None

    @property
    def regression(self) -> bool:
        return self.dataset in REGRESSION or (self.table is not None and self.table.kind == "regression")

    @property
    def classes(self) -> int | None:
        """How many classes the data has: None for regression and for real-valued targets (the assignment's, an
        example's)."""
        if self.regression or self.dataset == "assignment" or (self.table is not None and self.table.kind != "classes"):
            return None
        return self.n_classes

    @property
    def n_inputs(self) -> int:
        """D: 2 for the toy sets, a table's own number of input columns."""
        return 2 if self.table is None else self.table.X.shape[1]


def check_config(config: TrainConfig) -> None:
    """Raise ValueError, naming the setting, if ``config`` describes no possible run."""
    known = (*DATASETS, *REGRESSION, "assignment", *OWN)
    if config.dataset not in known:
        raise ValueError(f"dataset must be one of {', '.join(known)}; got {config.dataset!r}")
    if (config.dataset in OWN) != (config.table is not None):
        raise ValueError(f"table: {config.dataset} data " + ("needs its table" if config.dataset in OWN
                                                             else "takes no table"))
    if config.table is not None:
        if config.table.kind not in OWN[config.dataset]:
            raise ValueError(f"table: {config.dataset} data holds {' or '.join(OWN[config.dataset])}, not "
                             f"{config.table.kind}")
        if config.table.kind == "classes" and config.n_classes != config.table.n_classes:
            raise ValueError(f"n_classes: the table has {config.table.n_classes} classes; got {config.n_classes}")
    if (config.output, config.loss) not in HEADS:
        raise ValueError(f"output and loss must be one of {', '.join('+'.join(h) for h in HEADS)}; "
                         f"got output={config.output!r}, loss={config.loss!r}")
    if config.n_classes != 2 and config.dataset not in (*MULTICLASS, "csv"):
        raise ValueError(f"n_classes: only {' and '.join(MULTICLASS)} have more than 2 classes; "
                         f"{config.dataset} has 2 (got n_classes={config.n_classes})")
    if config.regression and config.output != "identity":
        raise ValueError(f"output: a regression set ({config.dataset}) has real-valued targets and needs the "
                         f"identity output with mse; got {config.output}+{config.loss}")
    if (config.classes or 0) > 2 and config.output != "softmax":
        raise ValueError(f"output: {config.n_classes} classes need a softmax output with ce; got "
                         f"{config.output}+{config.loss}")
    for i, width in enumerate(config.hidden_sizes):
        positive_int(f"hidden_sizes[{i}]", width)
    if config.init_scale is not None:
        finite_float("init_scale", config.init_scale, minimum=0.0)
    if config.optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {config.optimizer!r}")
    finite_float("lr", config.lr, minimum=0.0, strict=True)
    finite_float("l2", config.l2, minimum=0.0)
    positive_int("epochs", config.epochs)
    if config.batch_size is not None:
        positive_int("batch_size", config.batch_size)
    if config.start is not None:
        C = (config.classes or 2) if config.output == "softmax" else (
            config.table.values.shape[1] if config.table is not None and config.table.kind == "targets"
            else 2 if config.dataset == "assignment" else 1)
        sizes = (config.n_inputs, *config.hidden_sizes, C)
        if config.start.sizes != sizes:
            raise ValueError(f"start: the weights are for layer sizes {config.start.sizes}; this run's network has "
                             f"{sizes}")


@dataclass(frozen=True, eq=False)
class Run:
    """A training run described by ``config``: its data, its starting network and what has been trained so far.

    - data: the training samples; test: the held-out ones (None when test_ratio is 0)
    - initial: the seeded starting Network (epoch 0)
    - history: the epochs trained so far, or None before the first (see advance and train_config)
    - scaling: how a table's raw inputs (and regression target) were standardised into data and test, or None
    """

    config: TrainConfig
    data: Dataset
    test: Dataset | None
    initial: Network
    history: History | None = None
    scaling: Scaling | None = None

    @property
    def epochs_done(self) -> int:
        return 0 if self.history is None else self.history.start_epoch + self.history.epochs_run

    @property
    def finished(self) -> bool:
        """Whether the run has reached config.epochs, or stopped because it diverged."""
        return self.epochs_done >= self.config.epochs or (
            self.history is not None and self.history.diverged_at is not None)

    @property
    def network(self) -> Network:
        """The network as trained so far."""
        return self.initial if self.history is None else self.history.params

    @property
    def snapshot_epochs(self) -> list[int]:
        """The epochs whose network is kept, for scrubbing: at least epoch 0."""
        return [0] if self.history is None else [s.epoch for s in self.history.snapshots]

    def network_at(self, epoch: int) -> Network:
        """The network at the latest kept epoch at or before ``epoch``."""
        return self.initial if self.history is None else self.history.snapshot_at(epoch).params

    def targets(self, data: Dataset) -> np.ndarray:
        """What the network is trained towards: class labels (N,) for softmax + ce, else the (N, C) targets."""
        return data.labels if self.config.loss == "ce" and data.labels is not None else data.y


def _data(config: TrainConfig) -> Dataset:
    if config.table is not None:
        return config.table.dataset()
    if config.dataset == "assignment":
        return training_example()[0]
    return make_dataset(config.dataset, config.n_samples, config.noise, config.data_seed, config.n_classes)


def uses_assignment_weights(config: TrainConfig) -> bool:
    """Whether a run starts from the assignment's own W1, b1 and W2 (b2 = 0) rather than seeded random weights: its
    one sample with one hidden layer of 2 units, the assignment's 2-2-2 network."""
    return config.dataset == "assignment" and config.hidden_sizes == (2,) and config.start is None


def start_run(config: TrainConfig) -> Run:
    """The data, split and starting network that ``config`` describes, before any training (cheap).

    The assignment's set is its single sample, never split; with one hidden layer of 2 units its network
    starts from the assignment's own W1, b1 and W2 (b2 = 0). A table that asks for it is standardised with the
    means and stds of its training samples (Run.scaling). Given starting weights (config.start) are used as they are.
    """
    check_config(config)
    data = _data(config)
    test = None
    if config.test_ratio and data.n_samples > 1:
        data, test = data.split(config.test_ratio, seed=config.data_seed)
        test = test if test.n_samples else None
    scaling = None
    if config.table is not None and config.table.standardise:
        scaling = Scaling.fit(data.X, data.y if config.regression else None)
        data, test = (None if d is None else Dataset(d.name, scaling.inputs(d.X), scaling.targets(d.y), d.labels)
                      for d in (data, test))
    C = (config.classes or 2) if config.output == "softmax" else data.y.shape[1]
    sizes = (data.X.shape[1], *config.hidden_sizes, C)
    if config.start is not None:
        initial = Network(config.start.Ws, config.start.bs, config.hidden, config.output)
    elif uses_assignment_weights(config):
        initial = training_example()[1].network(config.hidden, config.output)
    else:
        initial = init_network(sizes, hidden=config.hidden, output=config.output, seed=config.seed,
                               scale=config.init_scale)
    return Run(config, data, test, initial, scaling=scaling)


#: A live run keeps at most this many snapshots (thinned evenly as it grows).
MAX_SNAPSHOTS = 101


def join(first: History, then: History, max_snapshots: int = MAX_SNAPSHOTS) -> History:
    """One History from two consecutive ones (``then`` resumed from ``first.state``), as one run would give.

    Snapshots are merged by epoch; beyond ``max_snapshots`` they are thinned evenly: the epochs are cut into
    max_snapshots − 1 equal stretches and the first snapshot of each is kept, and the last one.
    """
    if then.start_epoch != first.start_epoch + first.epochs_run:
        raise ValueError(f"then starts at epoch {then.start_epoch}, but first ends at epoch "
                         f"{first.start_epoch + first.epochs_run}")

    def cat(a, b):
        return None if a is None or b is None else np.concatenate([a, b])

    by_epoch = {s.epoch: s for s in then.snapshots} | {s.epoch: s for s in first.snapshots}
    snapshots = [by_epoch[e] for e in sorted(by_epoch)]
    if len(snapshots) > max_snapshots:
        start, last = snapshots[0].epoch, snapshots[-1]
        stride = math.ceil((last.epoch - start + 1) / (max_snapshots - 1))
        kept: dict[int, Snapshot] = {}
        for snap in snapshots[:-1]:
            kept.setdefault((snap.epoch - start) // stride, snap)
        snapshots = [*kept.values(), last]
    return replace(
        then,
        losses=np.concatenate([first.losses, then.losses]),
        grad_norms={name: np.concatenate([first.grad_norms[name], then.grad_norms[name]]) for name in first.grad_norms},
        accuracies=cat(first.accuracies, then.accuracies),
        test_losses=cat(first.test_losses, then.test_losses),
        test_accuracies=cat(first.test_accuracies, then.test_accuracies),
        snapshots=tuple(snapshots),
        start_epoch=first.start_epoch,
    )


def _train_run(run: Run, epochs: int, snapshot_epochs: Iterable[int],
               callback: Callable[[int, float], None] | None) -> History:
    c = run.config
    test = {} if run.test is None else {"X_test": run.test.X, "y_test": run.targets(run.test)}
    return train(run.network, run.data.X, run.targets(run.data), lr=c.lr, epochs=epochs, loss=c.loss,
                 optimizer=c.optimizer, l2=c.l2, batch_size=c.batch_size, seed=c.seed,
                 snapshot_epochs=snapshot_epochs, callback=callback, resume=None if run.history is None
                 else run.history.state, **test)


def advance(run: Run, epochs: int, callback: Callable[[int, float], None] | None = None) -> Run:
    """``run`` trained for ``epochs`` more epochs (fewer if it reaches config.epochs), keeping a snapshot at
    the end: epoch by epoch the same numbers as one uninterrupted run. A finished run is returned as it is."""
    epochs = min(positive_int("epochs", epochs), run.config.epochs - run.epochs_done)
    if run.finished or epochs <= 0:
        return run
    more = _train_run(run, epochs, [0] if run.history is None else [], callback)
    return replace(run, history=more if run.history is None else join(run.history, more))


def train_config(config: TrainConfig, callback: Callable[[int, float], None] | None = None) -> Run:
    """The run ``config`` describes, trained to its end, with ``config.snapshots`` evenly spaced snapshots."""
    run = start_run(config)
    history = _train_run(run, config.epochs, evenly_spaced_epochs(config.epochs, config.snapshots), callback)
    return replace(run, history=history)
