"""Training by gradient descent, for the 2-layer MLP and networks of any depth, with the history the
dashboard plots.

``train`` is plain full-batch gradient descent by default (p ← p − lr·g, no shuffling), so
``History.losses[e]`` is the loss of the parameters *before* update e. Every epoch goes forward and
backward through the layer pairs (``network._forward`` and ``network.network_backward``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from backprop._checks import as_matrix, check_inner, finite_float, positive_int, seed_value
from backprop.activations import Activation, get_activation, get_output
from backprop.datasets import Dataset, make_dataset
from backprop.layers import loss_and_delta
from backprop.losses import Loss, get_loss, targets
from backprop.network import (
    Network,
    Params,
    _check_X,
    _forward,
    init_params,
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
    - diverged_at: the epoch at which the loss or an update stopped being finite, else None
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

    @property
    def first_layer_shrink(self) -> float:
        """‖∂L/∂W_L‖ / ‖∂L/∂W1‖ at the first epoch: how many times smaller the first layer's gradient starts
        (inf when it is exactly zero, nan when no epoch ran)."""
        if not self.epochs_run:
            return float("nan")
        names = list(self.grad_norms)
        first, last = float(self.grad_norms[names[0]][0]), float(self.grad_norms[names[-1]][0])
        return last / first if first > 0 else float("inf")

    @property
    def loss_rose(self) -> bool:
        """Whether the trained network's loss is higher than the starting one."""
        return bool(self.epochs_run) and not (self.final_loss <= self.losses[0])

    def snapshot_at(self, epoch: int) -> Snapshot:
        """The latest snapshot taken at or before ``epoch`` (the first one if none is)."""
        chosen = self.snapshots[0]
        for snap in self.snapshots:
            if snap.epoch <= epoch:
                chosen = snap
        return chosen


def accuracy(A2: np.ndarray, y: np.ndarray) -> float:
    """Share of samples classified right: for several outputs whose targets are one-hot rows (softmax), the
    largest output must be the target's class; otherwise every entry must fall on its 0/1 target's side of 0.5."""
    A2, y = np.asarray(A2), np.asarray(y)
    if A2.ndim == 2 and A2.shape[1] > 1 and y.shape == A2.shape and np.all(y.sum(axis=1) == 1.0) \
            and np.all((y == 0.0) | (y == 1.0)):
        return float(np.mean(A2.argmax(axis=1) == y.argmax(axis=1)))
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
        self.net = _FlatNetwork(tuple(self.views[0::2]), tuple(self.views[1::2]), get_activation(net.hidden),
                                get_output(net.output))

    def network(self) -> Network:
        """A frozen copy of the current parameters."""
        return self.template.with_parameters(self.views)

    def run(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray, list[np.ndarray]]:
        """The loss at theta on (X, Y), the output, and the weight gradients; ``grad`` holds every gradient."""
        cache = _forward(self.net, X, overwrite=True)
        value, dZ_out = loss_and_delta(cache.Zs[-1], cache.output, Y, cache.activation[-1], self.loss)
        dWs, dbs, _ = network_backward(self.net, cache, dZ_out)
        if self.l2:
            value += l2_penalty(self.net, self.l2)
            dWs = [dW + self.l2 * W for dW, W in zip(dWs, self.net.Ws, strict=True)]
        for (dW_flat, db_flat), dW, db in zip(self.grad_views, dWs, dbs, strict=True):
            dW_flat[...] = dW
            db_flat[...] = db
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
    if resume is not None:
        net = resume.network
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
        test = (Xt, targets(y_test, Xt.shape[0], net.sizes[-1], loss_fn))
    if batch_size is not None:
        batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed_value("seed", seed))
    if resume is not None:
        rng.bit_generator.state = resume.rng_state
    first = resume.epoch if resume is not None else 0
    wanted = {int(e) for e in snapshot_epochs if first <= int(e) <= first + epochs}
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
        """Apply one update; leave theta untouched and return False if the result is not finite."""
        nonlocal opt_state
        trial, new_state = update(ev.theta, ev.grad, opt_state)
        if not np.isfinite(trial).all():
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
            if accs is not None:
                accs[i] = _correct(A, Y, softmax, Y_key)
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
        accuracies=None if accs is None else accs[:run].copy(),
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
    resolution = positive_int("resolution", resolution)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    A2 = predict(params, np.column_stack([gx.ravel(), gy.ravel()]), hidden, output)
    return xs, ys, A2.reshape(resolution, resolution)


@dataclass(frozen=True)
class TrainConfig:
    """Everything that determines a training run; equal configs give identical runs.

    ``dataset`` is a name from backprop.DATASETS, or "assignment" for the single sample of
    Problems 2–4 (see backprop.assignment.training_example).
    """

    dataset: str = "xor"
    n_samples: int = 200
    noise: float = 0.2
    data_seed: int = 0
    hidden_units: int = 8
    hidden: str = "tanh"
    output: str = "sigmoid"
    loss: str = "bce"
    lr: float = 0.5
    epochs: int = 500
    init_scale: float = 1.0
    seed: int = 0
    snapshots: int = 51


@dataclass(frozen=True, eq=False)
class Run:
    """A finished training run: its config, data, starting params and history."""

    config: TrainConfig
    data: Dataset
    initial: Params
    history: History


def prepare(config: TrainConfig) -> tuple[Dataset, Params]:
    """The data and the starting params that ``config`` describes (cheap: no training)."""
    if config.dataset == "assignment":
        from backprop.assignment import training_example

        return training_example(config.hidden_units, seed=config.seed, scale=config.init_scale)
    data = make_dataset(config.dataset, config.n_samples, config.noise, config.data_seed)
    initial = init_params(data.X.shape[1], config.hidden_units, data.y.shape[1],
                          seed=config.seed, scale=config.init_scale)
    return data, initial


def train_config(config: TrainConfig, callback: Callable[[int, float], None] | None = None) -> Run:
    """Make the data and the starting params that ``config`` describes, and train on them."""
    data, initial = prepare(config)
    history = train(
        initial, data.X, data.y, lr=config.lr, epochs=config.epochs, hidden=config.hidden,
        output=config.output, loss=config.loss,
        snapshot_epochs=evenly_spaced_epochs(config.epochs, config.snapshots), callback=callback,
    )
    return Run(config, data, initial, history)
