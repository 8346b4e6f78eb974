"""Training by gradient descent, for the 2-layer MLP and networks of any depth, with the history the
dashboard plots.

``train`` is plain full-batch gradient descent by default (p ← p − lr·g, no shuffling), so
``History.losses[e]`` is the loss of the parameters *before* update e. Every epoch goes forward and
backward through the layer pairs (``network._forward`` and ``network.network_backward``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

import numpy as np

from backprop._checks import as_matrix, check_inner, finite_float, positive_int, seed_value
from backprop.activations import Activation, get_activation, get_output, unguarded
from backprop.datasets import DATASETS, MULTICLASS, REGRESSION, Dataset, make_dataset
from backprop.layers import loss_and_delta
from backprop.losses import Loss, get_loss, targets
from backprop.network import (
    Network,
    Params,
    _check_X,
    _forward,
    init_network,
    l2_penalty,
    network_backward,
    predict,
)
from backprop.optim import OPTIMIZERS, optimizer_state


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The parameters before update ``epoch`` and the gradients of the loss at them.

    ``grads`` is keyed like the parameters ("W1", "b1", …, "WL", "bL"); the per-sample deltas are not
    kept, so that snapshots stay small. ``epoch == History.epochs_run`` is the trained network: its
    params are History.params. ``params`` is a Params when training started from Params, else a Network.
    """

    epoch: int
    params: Params | Network
    grads: dict[str, np.ndarray]
    loss: float


@dataclass(frozen=True, eq=False)
class TrainState:
    """Where a run stopped, so that ``train(..., resume=state)`` goes on exactly as one longer run would:
    the network, the optimizer's state (velocity, Adam's moments), the mini-batch shuffler's state and
    the number of epochs done."""

    network: Network
    optimizer: str
    optimizer_state: dict
    rng_state: dict
    epoch: int


@dataclass(frozen=True, eq=False)
class History:
    """What a training run did, epoch by epoch (E = epochs_run epochs, numbered from ``start_epoch``).

    - losses: (E,) training loss before each update (with the L2 term when l2 > 0)
    - grad_norms: {"W1": (E,), …, "WL": (E,)} Frobenius norms of each ∂L/∂W_l at each epoch
    - accuracies: (E,) share of samples classified right, or None for targets that are not classes
    - test_losses, test_accuracies: (E,) the same on the held-out data, or None without any
    - params: the parameters after the last update (always finite): Params or Network, as given
    - final_loss / final_accuracy / final_test_loss / final_test_accuracy: of ``params``
    - snapshots: Snapshot at the requested epochs, in order, ending with the trained network
    - diverged_at: the epoch at which the loss or an update stopped being finite, else None. When an update was
      refused (its result not finite), the run ends at that epoch, diverged_at = the epoch it would have made,
      and ``params`` and the last snapshot, labelled diverged_at, hold the parameters from before the refused
      update (or, with mini-batches, from before the refused batch)
    - state: a TrainState to resume from
    """

    losses: np.ndarray
    grad_norms: dict[str, np.ndarray]
    accuracies: np.ndarray | None
    params: Params | Network
    final_loss: float
    final_accuracy: float | None
    snapshots: tuple[Snapshot, ...]
    diverged_at: int | None
    test_losses: np.ndarray | None = None
    test_accuracies: np.ndarray | None = None
    final_test_loss: float | None = None
    final_test_accuracy: float | None = None
    start_epoch: int = 0
    state: TrainState | None = None

    @property
    def epochs_run(self) -> int:
        return int(self.losses.shape[0])

    def snapshot_at(self, epoch: int) -> Snapshot:
        """The latest snapshot taken at or before ``epoch`` (the first one if none is)."""
        chosen = self.snapshots[0]
        for snap in self.snapshots:
            if snap.epoch <= epoch:
                chosen = snap
        return chosen


def accuracy(A2: np.ndarray, y: np.ndarray, *, softmax: bool = False) -> float:
    """Share right, as train counts it.

    - softmax=False (sigmoid outputs): the share of entries of A2 (N, C) on their 0/1 target's side of 0.5,
      y (N, C)
    - softmax=True: the share of samples whose largest output A2[n] is their class; y is one-hot rows (N, C)
      or class labels (N,)
    """
    A2, y = np.atleast_2d(np.asarray(A2, dtype=np.float64)), np.asarray(y)
    if softmax:
        labels = y.argmax(axis=1) if y.ndim == 2 and y.shape == A2.shape else y
        if labels.shape != (A2.shape[0],):
            raise ValueError(f"y has shape {y.shape}: with softmax=True it must be one-hot rows {A2.shape} or "
                             f"class labels ({A2.shape[0]},)")
        return float(np.mean(A2.argmax(axis=1) == labels))
    y = np.atleast_2d(y)
    if y.shape != A2.shape:
        raise ValueError(f"y has shape {y.shape}, A2 {A2.shape}: they must match")
    return float(np.mean((A2 >= 0.5) == (y >= 0.5)))


def evenly_spaced_epochs(epochs: int, count: int) -> list[int]:
    """``count`` epochs from 0 to ``epochs`` (inclusive), evenly spread, without repeats."""
    count = max(2, min(count, epochs + 1))
    return sorted({int(round(e)) for e in np.linspace(0, epochs, count)})


def _classes(Y: np.ndarray, loss: Loss) -> bool:
    """Whether accuracy means something: 0/1 targets for a sigmoid, one-hot rows for a softmax."""
    return loss.name == "ce" or bool(np.all((Y == 0.0) | (Y == 1.0)))


class _Evaluator:
    """Loss, gradients and accuracy of the parameters in one flat vector, through the network's layer pairs.

    ``theta`` holds every parameter back to back (W1, b1, …, WL, bL); ``grad`` receives the gradients in the
    same layout, so an update, its finiteness check and an optimizer's state are one array each.
    """

    def __init__(self, net: Network, loss: Loss, l2: float):
        self.template, self.loss, self.l2 = net, loss, l2
        shapes = [a.shape for _, a in net.parameters()]
        sizes = [int(np.prod(s)) for s in shapes]
        self.theta = np.concatenate([a.reshape(-1) for _, a in net.parameters()])
        self.grad = np.empty_like(self.theta)
        offsets = np.cumsum([0, *sizes])
        self.views = [self.theta[a:b].reshape(s) for a, b, s in zip(offsets[:-1], offsets[1:], shapes, strict=True)]
        self.names = [name for name, _ in net.parameters()]
        grad_views = [self.grad[a:b].reshape(s) for a, b, s in zip(offsets[:-1], offsets[1:], shapes, strict=True)]
        self.grad_views = list(zip(grad_views[0::2], grad_views[1::2], strict=True))
        # the loop runs under np.errstate(over="ignore"): in-place activations need not guard overflow again
        self.net = _FlatNetwork(tuple(self.views[0::2]), tuple(self.views[1::2]),
                                unguarded(get_activation(net.hidden)), unguarded(get_output(net.output)))

    def network(self) -> Network:
        """A frozen copy of the current parameters."""
        return self.template.with_parameters(self.views)

    def run(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray, list[np.ndarray]]:
        """The loss at theta on (X, Y), the output, and the weight gradients; ``grad`` holds every gradient."""
        cache = _forward(self.net, X, overwrite=True, keep_output_z=self.loss.cancels)
        value, dZ_out = loss_and_delta(cache.Zs[-1], cache.output, Y, cache.activation[-1], self.loss)
        dWs, dbs, _ = network_backward(self.net, cache, dZ_out, out=self.grad_views)  # straight into grad
        if self.l2:
            value += l2_penalty(self.net, self.l2)
            for dW, W in zip(dWs, self.net.Ws, strict=True):
                dW += self.l2 * W
        return value, cache.output, dWs

    def value(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss at theta on (X, Y) and the output, without gradients."""
        cache = _forward(self.net, X)
        value = self.loss.value(cache.Zs[-1], cache.output, Y)
        return value + (l2_penalty(self.net, self.l2) if self.l2 else 0.0), cache.output

    def grads_dict(self) -> dict[str, np.ndarray]:
        offsets = np.cumsum([0, *(v.size for v in self.views)])
        return {name: self.grad[a:b].reshape(v.shape).copy()
                for name, a, b, v in zip(self.names, offsets[:-1], offsets[1:], self.views, strict=True)}


@dataclass(frozen=True, eq=False)
class _FlatNetwork:
    """A Network's fields over views of a flat vector, for the training loop: no validation, no copies."""

    Ws: tuple[np.ndarray, ...]
    bs: tuple[np.ndarray, ...]
    hidden: Activation
    output: Activation


def _correct(A: np.ndarray, Y: np.ndarray, softmax: bool, Y_is_1: np.ndarray | None) -> float:
    if softmax:
        return float(np.count_nonzero(A.argmax(axis=1) == Y_is_1) / A.shape[0])
    return float(np.count_nonzero((A >= 0.5) == Y_is_1) / Y_is_1.size)


def train(
    params: Params | Network,
    X,
    y,
    *,
    lr: float,
    epochs: int,
    hidden: str | Activation | None = None,
    output: str | Activation | None = None,
    loss: str = "mse",
    optimizer: str = "sgd",
    momentum: float | None = None,
    l2: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    snapshot_epochs: Iterable[int] = (),
    callback: Callable[[int, float], None] | None = None,
    X_test=None,
    y_test=None,
    resume: TrainState | None = None,
) -> History:
    """Train by gradient descent and record the loss, gradient norms and snapshots per epoch.

    - params: the starting network: Params (a 2-layer MLP; ``hidden``/``output`` name its activations,
      sigmoid by default) or a Network of any depth (which carries its own activations)
    - X: (N, D) inputs; y: (N, C) targets, or (N,) integer labels for loss="ce"
    - lr: learning rate, finite and > 0; epochs: number of epochs, > 0
    - optimizer: "sgd" (the default: plain gradient descent, p ← p − lr·g), "momentum" or "adam"
      (backprop.optim); momentum: its factor (0.9 by default; a momentum > 0 with "sgd" means "momentum")
    - l2: λ ≥ 0 adds (λ/2)·Σ‖W‖² to the loss (weights only)
    - batch_size: None (the default) uses all N samples per update; else the samples are shuffled with
      ``seed`` each epoch and one update is made per mini-batch
    - snapshot_epochs: epochs at which to keep params and grads (for scrubbing through a run)
    - callback(epoch, loss): called after each epoch's loss is known
    - X_test, y_test: held-out data, whose loss and accuracy are recorded each epoch (never trained on)
    - resume: the ``state`` of an earlier History: go on from there (epochs are then numbered on from it)
    A loss, gradient or update that is not finite stops the run: ``diverged_at`` says when.
    """
    as_params = isinstance(params, Params)
    if as_params:
        net = params.network(hidden or "sigmoid", output or "sigmoid")  # names, so that a History pickles
    elif isinstance(params, Network):
        for given, own, what in ((hidden, params.hidden, "hidden"), (output, params.output, "output")):
            if given is not None and get_output_or_hidden_name(given) != get_output_or_hidden_name(own):
                raise ValueError(f"{what}={given!r} disagrees with the Network's own {what} activation {own!r}")
        net = params
    else:
        raise ValueError(f"params must be Params or a Network; got {type(params).__name__}")
    if resume is not None:  # the weights come from resume; the network must be the one it was made with
        stored = resume.network
        mine = (net.sizes, get_output_or_hidden_name(net.hidden), get_output_or_hidden_name(net.output))
        theirs = (stored.sizes, get_output_or_hidden_name(stored.hidden), get_output_or_hidden_name(stored.output))
        if mine != theirs:
            raise ValueError(f"resume was made with a network of sizes {theirs[0]}, hidden {theirs[1]!r} and output "
                             f"{theirs[2]!r}; params give sizes {mine[0]}, hidden {mine[1]!r}, output {mine[2]!r}")
        net = stored
    loss_fn = get_loss(loss, get_output(net.output))
    if optimizer == "sgd" and momentum:
        optimizer = "momentum"
    opt_state = optimizer_state(optimizer, lr, momentum)
    update = OPTIMIZERS[optimizer]
    if resume is not None:
        if resume.optimizer != optimizer:
            raise ValueError(f"resume was made with optimizer {resume.optimizer!r}, not {optimizer!r}")
        opt_state = {**resume.optimizer_state, **opt_state}
    epochs = positive_int("epochs", epochs)
    l2 = finite_float("l2", l2, minimum=0.0)
    X = _check_X(net, X)
    N = X.shape[0]
    Y = targets(y, N, net.sizes[-1], loss_fn)
    test = None
    if X_test is not None or y_test is not None:
        if X_test is None or y_test is None:
            raise ValueError("X_test and y_test go together: give both or neither")
        Xt = as_matrix("X_test", X_test)
        check_inner("X_test", Xt, "W1", net.Ws[0])
        test = (Xt, targets(y_test, Xt.shape[0], net.sizes[-1], loss_fn, "y_test"))
    if batch_size is not None:
        batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed_value("seed", seed))
    if resume is not None:
        rng.bit_generator.state = resume.rng_state
    first = resume.epoch if resume is not None else 0
    try:
        wanted = {int(e) for e in snapshot_epochs if first <= int(e) <= first + epochs}
    except (TypeError, ValueError):
        raise ValueError(f"snapshot_epochs must be whole epoch numbers; got {snapshot_epochs!r:.80}") from None
    softmax = loss_fn.name == "ce"
    classes = _classes(Y, loss_fn)
    Y_key = Y.argmax(axis=1) if softmax else Y >= 0.5
    test_key = None if test is None else (test[1].argmax(axis=1) if softmax else test[1] >= 0.5)

    ev = _Evaluator(net, loss_fn, l2)
    names = [f"W{l}" for l in range(1, net.depth + 1)]
    losses = np.empty(epochs)
    norms = np.empty((len(names), epochs))
    accs = np.empty(epochs) if classes else None
    test_losses = np.empty(epochs) if test is not None else None
    test_accs = np.empty(epochs) if test is not None and classes else None
    snapshots: list[Snapshot] = []
    diverged_at: int | None = None

    def model() -> Params | Network:
        current = ev.network()
        return Params.of(current) if as_params else current

    def step() -> bool:
        """Apply one update; leave theta untouched and return False if the result is not finite.

        (Checked through its squared norm, one product instead of two passes: a NaN or ±inf anywhere makes it
        NaN or inf, and so do parameters beyond 1e154, which have diverged whatever they are.)"""
        nonlocal opt_state
        trial, new_state = update(ev.theta, ev.grad, opt_state)
        if not math.isfinite(np.dot(trial, trial)):
            return False
        ev.theta[...] = trial
        opt_state = new_state
        return True

    minibatches = batch_size is not None and batch_size < N
    run = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for i in range(epochs):
            epoch = first + i
            value, A, dWs = ev.run(X, Y)
            if not math.isfinite(value):  # a gradient that is not finite shows in the update, checked in step()
                diverged_at = epoch
                break
            losses[i] = value
            for l, dW in enumerate(dWs):
                norms[l, i] = np.vdot(dW, dW)  # squared here, rooted once at the end
            if accs is not None:  # counts of right entries here, made shares once at the end
                accs[i] = np.count_nonzero(A.argmax(axis=1) == Y_key if softmax else (A >= 0.5) == Y_key)
            if test is not None:
                test_value, A_test = ev.value(*test)
                test_losses[i] = test_value
                if test_accs is not None:
                    test_accs[i] = _correct(A_test, test[1], softmax, test_key)
            if epoch in wanted:
                snapshots.append(Snapshot(epoch, model(), ev.grads_dict(), value))
            if callback is not None:
                callback(epoch, value)
            if not minibatches:
                ok = step()
            else:
                order = rng.permutation(N)
                ok = True
                for start in range(0, N, batch_size):
                    idx = order[start:start + batch_size]
                    ev.run(X[idx], Y[idx])
                    ok = step()
                    if not ok:
                        break
            run = i + 1
            if not ok:
                diverged_at = epoch + 1
                break
        final_params = model()
        final_loss, final_A, _ = ev.run(X, Y)
        final_accuracy = _correct(final_A, Y, softmax, Y_key) if classes else None
        final_test_loss = final_test_accuracy = None
        if test is not None:
            final_test_loss, final_A_test = ev.value(*test)
            final_test_accuracy = _correct(final_A_test, test[1], softmax, test_key) if classes else None

    last = first + run
    if not snapshots or snapshots[-1].epoch != last:
        snapshots.append(Snapshot(last, final_params, ev.grads_dict(), float(final_loss)))
    return History(
        losses=losses[:run].copy(),
        grad_norms={name: np.sqrt(series[:run]) for name, series in zip(names, norms, strict=True)},
        accuracies=None if accs is None else accs[:run] / (N if softmax else Y.size),
        params=final_params,
        final_loss=float(final_loss),
        final_accuracy=final_accuracy,
        snapshots=tuple(snapshots),
        diverged_at=diverged_at,
        test_losses=None if test_losses is None else test_losses[:run].copy(),
        test_accuracies=None if test_accs is None else test_accs[:run].copy(),
        final_test_loss=None if final_test_loss is None else float(final_test_loss),
        final_test_accuracy=final_test_accuracy,
        start_epoch=first,
        state=TrainState(ev.network(), optimizer, opt_state, rng.bit_generator.state, last),
    )


def get_output_or_hidden_name(activation: str | Activation) -> str:
    return activation.name if isinstance(activation, Activation) else activation


def plane(X, resolution: int = 100, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A square grid over the box that holds the 2-D points X (N, 2), widened by ``margin`` on every side.

    Returns xs (R,), ys (R,) and points (R·R, 2), row i·R + j being (xs[j], ys[i]); R = resolution.
    """
    X = as_matrix("X", X)
    if X.shape[1] != 2:
        raise ValueError(f"X must have 2 columns (points in the plane); got shape {X.shape}")
    resolution = positive_int("resolution", resolution)
    margin = finite_float("margin", margin, minimum=0.0)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([gx.ravel(), gy.ravel()])


def layer_maps(net: Network, xs: np.ndarray, ys: np.ndarray) -> list[np.ndarray]:
    """What every unit of every layer computes over the plane: the network run on each grid point.

    - net: a Network with D = 2 inputs; xs (R,), ys (S,): the grid's coordinates
    Returns [A_1, …, A_L], A_l of shape (S, R, sizes[l]): A_l[i, j, u] is unit u's activation at (xs[j], ys[i]).
    """
    if net.sizes[0] != 2:
        raise ValueError(f"maps over the plane need a network with 2 inputs; this one has D={net.sizes[0]}")
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    gx, gy = np.meshgrid(xs, ys)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged network's outputs may overflow
        cache = _forward(net, np.column_stack([gx.ravel(), gy.ravel()]))
    return [A.reshape(ys.size, xs.size, A.shape[1]) for A in cache.As]


def decision_grid(params: Params | Network, X, hidden: str | Activation = "sigmoid",
                  output: str | Activation = "sigmoid", resolution: int = 100,
                  margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network's output over a grid covering the data, for drawing a decision boundary.

    - params: a network with D = 2 inputs and C = 1 output (a Network uses its own activations);
      X: (N, 2) the data to cover
    Returns xs (R,), ys (R,) and A2 (R, R) with A2[i, j] = network output at (xs[j], ys[i]),
    R = resolution.
    """
    D, C = (params.sizes[0], params.sizes[-1]) if isinstance(params, Network) else (params.dims[0], params.dims[2])
    if D != 2 or C != 1:
        raise ValueError(f"a decision boundary needs 2 inputs and 1 output; the network has D={D}, C={C}")
    X = _check_X(params, X)
    xs, ys, points = plane(X, resolution, margin)
    A2 = predict(params, points, hidden, output)
    return xs, ys, A2.reshape(ys.size, xs.size)


# --- a run described by its settings ------------------------------------------------------------

#: Where each output goes with each loss: (output activation, loss).
HEADS = (("sigmoid", "bce"), ("sigmoid", "mse"), ("softmax", "ce"), ("identity", "mse"))


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; equal configs give identical runs.

    Data: ``dataset`` is a name from backprop.DATASETS or REGRESSION, or "assignment" for the single
    sample of Problems 2–4 (backprop.assignment.training_example); n_classes for spirals and blobs;
    ``test_ratio`` of the samples is held out (Dataset.split, seeded with data_seed).
    Network: hidden_sizes (H1, …) gives one hidden layer per entry; init_scale is the std of the initial
    weights, or None for 1/√fan-in; output/loss is one of HEADS.
    Optimiser: lr, optimizer ("sgd", "momentum", "adam"), batch_size (None: all training samples), l2.
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
    snapshots: int = 51

    @property
    def regression(self) -> bool:
        return self.dataset in REGRESSION

    @property
    def classes(self) -> int | None:
        """How many classes the data has: None for regression and for the assignment's real-valued targets."""
        if self.regression or self.dataset == "assignment":
            return None
        return self.n_classes


def check_config(config: TrainConfig) -> None:
    """Raise ValueError, naming the setting, if ``config`` describes no possible run."""
    known = (*DATASETS, *REGRESSION, "assignment")
    if config.dataset not in known:
        raise ValueError(f"dataset must be one of {', '.join(known)}; got {config.dataset!r}")
    if (config.output, config.loss) not in HEADS:
        raise ValueError(f"output and loss must be one of {', '.join('+'.join(h) for h in HEADS)}; "
                         f"got output={config.output!r}, loss={config.loss!r}")
    if config.n_classes != 2 and config.dataset not in MULTICLASS:
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


@dataclass(frozen=True, eq=False)
class Run:
    """A training run described by ``config``: its data, its starting network and what has been trained so far.

    - data: the training samples; test: the held-out ones (None when test_ratio is 0)
    - initial: the seeded starting Network (epoch 0)
    - history: the epochs trained so far, or None before the first (see advance and train_config)
    """

    config: TrainConfig
    data: Dataset
    test: Dataset | None
    initial: Network
    history: History | None = None

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
    if config.dataset == "assignment":
        from backprop.assignment import training_example

        return training_example()[0]
    return make_dataset(config.dataset, config.n_samples, config.noise, config.data_seed, config.n_classes)


def uses_assignment_weights(config: TrainConfig) -> bool:
    """Whether a run starts from the assignment's own W1, b1 and W2 (b2 = 0) rather than seeded random weights: its
    one sample with one hidden layer of 2 units, the assignment's 2-2-2 network."""
    return config.dataset == "assignment" and config.hidden_sizes == (2,)


def start_run(config: TrainConfig) -> Run:
    """The data, split and starting network that ``config`` describes, before any training (cheap).

    The assignment's set is its single sample, never split; with one hidden layer of 2 units its network
    starts from the assignment's own W1, b1 and W2 (b2 = 0).
    """
    check_config(config)
    data = _data(config)
    test = None
    if config.test_ratio and data.n_samples > 1:
        data, test = data.split(config.test_ratio, seed=config.data_seed)
        test = test if test.n_samples else None
    C = (config.classes or 2) if config.output == "softmax" else data.y.shape[1]
    sizes = (data.X.shape[1], *config.hidden_sizes, C)
    if uses_assignment_weights(config):
        from backprop.assignment import training_example

        initial = training_example()[1].network(config.hidden, config.output)
    else:
        initial = init_network(sizes, hidden=config.hidden, output=config.output, seed=config.seed,
                               scale=config.init_scale)
    return Run(config, data, test, initial)


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


# --- what a run did, in numbers ------------------------------------------------------------------


@dataclass(frozen=True)
class RunReading:
    """The numbers a run's lesson quotes, read from its History (E = epochs run).

    - first_loss: the loss before the first update; final_loss: after the last (inf if it overflowed)
    - loss_change: (final_loss − first_loss) / first_loss, e.g. −0.9 for a loss that fell by 90%
    - rises: epochs whose loss was above the epoch before's (an oscillating or diverging run has many);
      first_rise: the first such epoch, or None
    - norm_sums: Σ over epochs of ‖∂L/∂W_l‖ per weight matrix; first_to_last: W1's sum over the last layer's
    - best_test_epoch / best_test_loss / final_test_loss: the held-out loss at its lowest and at the end;
      loss_at_best_test: the training loss at best_test_epoch
    - gap: final_test_loss − final_loss (None without test data)
    - weight_change: {"W1": …, "WL": …} ‖W_l(end) − W_l(start)‖ / ‖W_l(start)‖, how far each weight matrix moved
      over the run relative to its size (empty if the run's first epoch has no snapshot)
    """

    epochs: int
    first_loss: float
    final_loss: float
    loss_change: float
    rises: int
    first_rise: int | None
    diverged_at: int | None
    norm_sums: dict[str, float]
    first_to_last: float
    final_accuracy: float | None
    final_test_accuracy: float | None
    best_test_epoch: int | None
    best_test_loss: float | None
    final_test_loss: float | None
    gap: float | None
    weight_change: dict[str, float]
    loss_at_best_test: float | None = None


def read_run(history: History) -> RunReading:
    """The RunReading of ``history`` (which must have run at least one epoch)."""
    if not history.epochs_run:
        raise ValueError("history has no epochs to read")
    first = float(history.losses[0])
    sums = {name: float(series.sum()) for name, series in history.grad_norms.items()}
    names = list(sums)
    first_to_last = sums[names[0]] / sums[names[-1]] if sums[names[-1]] > 0 else float("inf")
    best_epoch = best = gap = loss_at_best = None
    if history.test_losses is not None and history.test_losses.size:
        i = int(np.argmin(history.test_losses))
        best_epoch, best = history.start_epoch + i, float(history.test_losses[i])
        loss_at_best = float(history.losses[i])
        gap = history.final_test_loss - history.final_loss
    with np.errstate(over="ignore", invalid="ignore"):
        change = (history.final_loss - first) / first if first else float("nan")
    rose = np.flatnonzero(np.diff(history.losses) > 0)
    moved = {}
    start, end = history.snapshots[0], history.snapshots[-1]
    if start.epoch == history.start_epoch and isinstance(start.params, Network) and isinstance(end.params, Network):
        for l, (W0, W1) in enumerate(zip(start.params.Ws, end.params.Ws, strict=True), start=1):
            size = float(np.linalg.norm(W0))
            moved[f"W{l}"] = float(np.linalg.norm(W1 - W0)) / size if size > 0 else float("inf")
    return RunReading(
        epochs=history.epochs_run, first_loss=first, final_loss=history.final_loss, loss_change=float(change),
        rises=int(rose.size), first_rise=None if not rose.size else history.start_epoch + int(rose[0]) + 1,
        diverged_at=history.diverged_at,
        norm_sums=sums, first_to_last=first_to_last, final_accuracy=history.final_accuracy,
        final_test_accuracy=history.final_test_accuracy, best_test_epoch=best_epoch, best_test_loss=best,
        final_test_loss=history.final_test_loss, gap=gap, weight_change=moved, loss_at_best_test=loss_at_best,
    )


@dataclass(frozen=True, eq=False)
class Curves:
    """A run's curves with one value per epoch e = start … start + E, the last being the trained network (E updates
    made, or E − 1 when the last was refused as not finite: see History.diverged_at), so that they end where the
    run ends. A value that is not finite (a diverged run's last loss) is NaN.

    - epochs: (E + 1,) the epoch numbers
    - train_loss, test_loss: (E + 1,) the loss at each epoch, before that epoch's update (test_loss None without
      test data); train_accuracy, test_accuracy: the same for accuracy (None for targets that are not classes)
    - grad_norms: {"W1": (E + 1,), …, "WL": (E + 1,)} ‖∂L/∂W_l‖ at each epoch
    """

    epochs: np.ndarray
    train_loss: np.ndarray
    test_loss: np.ndarray | None
    train_accuracy: np.ndarray | None
    test_accuracy: np.ndarray | None
    grad_norms: dict[str, np.ndarray]


def curves(history: History) -> Curves:
    """``history``'s per-epoch series with the trained network's values appended (see Curves)."""
    def ending(series: np.ndarray | None, last: float | None) -> np.ndarray | None:
        if series is None:
            return None
        out = np.append(series, np.nan if last is None else last).astype(np.float64)
        out[~np.isfinite(out)] = np.nan
        return out

    final = history.snapshots[-1]
    start = history.start_epoch
    with np.errstate(over="ignore", invalid="ignore"):
        final_norms = {name: float(np.linalg.norm(final.grads[name])) for name in history.grad_norms}
    return Curves(
        epochs=np.arange(start, start + history.epochs_run + 1),
        train_loss=ending(history.losses, history.final_loss),
        test_loss=ending(history.test_losses, history.final_test_loss),
        train_accuracy=ending(history.accuracies, history.final_accuracy),
        test_accuracy=ending(history.test_accuracies, history.final_test_accuracy),
        grad_norms={name: ending(series, final_norms[name]) for name, series in history.grad_norms.items()},
    )


def crossings(values: np.ndarray, level: float = 0.5) -> np.ndarray:
    """Where a map over the plane crosses ``level``: a (S, R) bool mask of the grid points at least one of whose
    four neighbours lies on the other side of ``level`` (the decision boundary of a sigmoid output at ½).

    - values: (S, R) the output at each grid point (NaN is on neither side)
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"values must be a 2-D grid; got shape {values.shape}")
    above = values >= level
    known = np.isfinite(values)
    mask = np.zeros(values.shape, dtype=bool)
    across = (above[:, 1:] != above[:, :-1]) & known[:, 1:] & known[:, :-1]  # left and right neighbours
    mask[:, 1:] |= across
    mask[:, :-1] |= across
    down = (above[1:, :] != above[:-1, :]) & known[1:, :] & known[:-1, :]  # upper and lower neighbours
    mask[1:, :] |= down
    mask[:-1, :] |= down
    return mask
