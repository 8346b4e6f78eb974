"""Gradient-descent training of the 2-layer MLP, with the history the dashboard plots.

``train`` is plain full-batch gradient descent by default (p ← p − lr·g, no shuffling), so
``History.losses[e]`` is the loss of the parameters *before* update e.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from backprop._checks import finite_float, positive_int, seed_value
from backprop.activations import Activation, get_activation
from backprop.datasets import Dataset, make_dataset
from backprop.losses import get_loss
from backprop.network import Params, _check_X, _check_y, init_params, predict

LAYERS = ("W1", "W2")


@dataclass(frozen=True, eq=False)
class Snapshot:
    """The parameters before update ``epoch`` and the gradients of the loss at them.

    ``grads`` is keyed like Params.as_dict() ("W1", "b1", "W2", "b2"); the per-sample deltas are not
    kept, so that snapshots stay small. ``epoch == History.epochs_run`` is the trained network: its
    params are History.params.
    """

    epoch: int
    params: Params
    grads: dict[str, np.ndarray]
    loss: float


@dataclass(frozen=True, eq=False)
class History:
    """What a training run did, epoch by epoch.

    - losses: (E,) loss before each update, E = epochs_run
    - grad_norms: {"W1": (E,), "W2": (E,)} Frobenius norms of dW1 and dW2 at each epoch
    - accuracies: (E,) share of outputs on the right side of 0.5, or None for non-0/1 targets
    - params: the parameters after the last update (always finite)
    - final_loss: the loss of ``params``; final_accuracy: their accuracy (None for non-0/1 targets)
    - snapshots: Snapshot at the requested epochs, in order, ending with the trained network
    - diverged_at: the epoch at which the loss or an update stopped being finite, else None
    """

    losses: np.ndarray
    grad_norms: dict[str, np.ndarray]
    accuracies: np.ndarray | None
    params: Params
    final_loss: float
    final_accuracy: float | None
    snapshots: tuple[Snapshot, ...]
    diverged_at: int | None
    epochs_requested: int

    @property
    def epochs_run(self) -> int:
        return int(self.losses.shape[0])

    @property
    def first_layer_shrink(self) -> float:
        """‖∂L/∂W2‖ / ‖∂L/∂W1‖ at epoch 0: how many times smaller the first layer's gradient starts
        (inf when it is exactly zero, nan when no epoch ran). Large values are vanishing gradients."""
        if not self.epochs_run:
            return float("nan")
        w1, w2 = float(self.grad_norms["W1"][0]), float(self.grad_norms["W2"][0])
        return w2 / w1 if w1 > 0 else float("inf")

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
    """Share of entries where the output and the 0/1 target fall on the same side of 0.5."""
    return float(np.mean((A2 >= 0.5) == (y >= 0.5)))


def evenly_spaced_epochs(epochs: int, count: int) -> list[int]:
    """``count`` epochs from 0 to ``epochs`` (inclusive), evenly spread, without repeats."""
    count = max(2, min(count, epochs + 1))
    return sorted({int(round(e)) for e in np.linspace(0, epochs, count)})


def train(
    params: Params,
    X,
    y,
    *,
    lr: float,
    epochs: int,
    hidden: str | Activation = "sigmoid",
    output: str | Activation = "sigmoid",
    loss: str = "mse",
    momentum: float = 0.0,
    batch_size: int | None = None,
    seed: int = 0,
    snapshot_epochs: Iterable[int] = (),
    callback: Callable[[int, float], None] | None = None,
) -> History:
    """Train by gradient descent and record the loss, gradient norms and snapshots per epoch.

    - params: starting Params, W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - X: (N, D) inputs; y: (N, C) targets
    - lr: learning rate, finite and > 0; epochs: number of updates (full batch), > 0
    - momentum: 0 (the default) is plain gradient descent; else v ← momentum·v − lr·g, p ← p + v
    - batch_size: None (the default) uses all N samples per update; else the samples are shuffled
      with ``seed`` each epoch and one update is made per mini-batch
    - snapshot_epochs: epochs at which to keep params and grads (for scrubbing through a run)
    - callback(epoch, loss): called after each epoch's loss is known
    A loss, gradient or update that is not finite stops the run: ``diverged_at`` says when.
    """
    hidden, output = get_activation(hidden), get_activation(output)
    loss_fn = get_loss(loss, output)
    lr = finite_float("lr", lr, minimum=0.0, strict=True)
    epochs = positive_int("epochs", epochs)
    momentum = finite_float("momentum", momentum, minimum=0.0)
    if momentum >= 1.0:
        raise ValueError(f"momentum must be below 1; got {momentum}")
    X = _check_X(params, X)
    N = X.shape[0]
    D, H, C = params.dims
    y = _check_y(y, N, C, loss_fn)
    if batch_size is not None:
        batch_size = positive_int("batch_size", batch_size)
    rng = np.random.default_rng(seed_value("seed", seed))
    wanted = {int(e) for e in snapshot_epochs if 0 <= int(e) <= epochs}
    binary = bool(np.all((y == 0.0) | (y == 1.0)))
    y_is_1 = y >= 0.5

    # All four parameters live in one flat vector ``theta`` (W1, b1, W2, b2 are views into it) and
    # all four gradients in ``grad``: an update, its finiteness check and momentum are one array
    # operation each, and the loop allocates only the activations.
    theta, (W1, b1, W2, b2) = _flat_views(params)
    grad, (dW1, db1, dW2, db2) = _flat_views(params, empty=True)
    trial = np.empty_like(theta)
    velocity = np.zeros_like(theta) if momentum else None
    losses = np.empty(epochs)
    norms = {name: np.empty(epochs) for name in LAYERS}
    accs = np.empty(epochs) if binary else None
    snapshots: list[Snapshot] = []
    diverged_at: int | None = None

    def activate(act: Activation, Z: np.ndarray) -> np.ndarray:
        # Z is a fresh product, used only to form A: overwrite it where the derivative can be had from A.
        return act.fn_inplace(Z) if act.fn_inplace is not None and act.grad_from_output is not None else act.fn(Z)

    def gradients(Xb, yb, ones):
        """Loss at theta on (Xb, yb), with its gradients written into ``grad``."""
        Z1 = Xb @ W1
        Z1 += b1
        A1 = activate(hidden, Z1)  # Z1 may now hold A1: only A1 is used below when it does
        Z2 = A1 @ W2
        Z2 += b2
        A2 = output.fn(Z2)  # (N, C) is small, and the bce loss needs Z2 itself
        value = loss_fn.value(Z2, A2, yb)
        delta2 = loss_fn.delta(Z2, A2, yb, output)
        np.matmul(A1.T, delta2, out=dW2)
        np.matmul(ones, delta2, out=db2)  # column sums: Σₙ delta2[n, :]
        delta1 = delta2 @ W2.T
        delta1 *= hidden.grad_at(Z1, A1)  # σ′(Z1), as A1(1 − A1) for sigmoid
        np.matmul(Xb.T, delta1, out=dW1)
        np.matmul(ones, delta1, out=db1)
        return value, A2, delta1, delta2

    def grads_copy() -> dict[str, np.ndarray]:
        return {"W1": dW1.copy(), "b1": db1.copy(), "W2": dW2.copy(), "b2": db2.copy()}

    def step() -> bool:
        """Apply one update; leave theta untouched and return False if the result is not finite."""
        if velocity is None:
            np.multiply(grad, -lr, out=trial)
        else:
            np.multiply(velocity, momentum, out=trial)
            np.subtract(trial, lr * grad, out=trial)
            if not np.isfinite(trial).all():
                return False
            velocity[...] = trial
        np.add(trial, theta, out=trial)
        if not np.isfinite(trial).all():
            return False
        theta[...] = trial
        return True

    full_ones = np.ones(N)
    minibatches = batch_size is not None and batch_size < N
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(epochs):
            value, A2, _, _ = gradients(X, y, full_ones)
            if not (np.isfinite(value) and np.isfinite(grad).all()):
                diverged_at = epoch
                break
            losses[epoch] = value
            norms["W1"][epoch] = np.sqrt(np.vdot(dW1, dW1))
            norms["W2"][epoch] = np.sqrt(np.vdot(dW2, dW2))
            if accs is not None:
                accs[epoch] = np.count_nonzero((A2 >= 0.5) == y_is_1) / y.size
            if epoch in wanted:
                snapshots.append(Snapshot(epoch, Params(W1, b1, W2, b2), grads_copy(), value))
            if callback is not None:
                callback(epoch, value)
            if not minibatches:
                ok = step()
            else:
                order = rng.permutation(N)
                ok = True
                for start in range(0, N, batch_size):
                    idx = order[start:start + batch_size]
                    gradients(X[idx], y[idx], full_ones[: idx.shape[0]])
                    ok = np.isfinite(grad).all() and step()
                    if not ok:
                        break
            if not ok:
                diverged_at = epoch + 1
                break
        run = epochs if diverged_at is None else diverged_at
        final_params = Params(W1, b1, W2, b2)
        final_loss, final_A2, *_ = gradients(X, y, full_ones)
        final_accuracy = accuracy(final_A2, y) if binary else None

    if not snapshots or snapshots[-1].epoch != run:
        snapshots.append(Snapshot(run, final_params, grads_copy(), float(final_loss)))
    return History(
        losses=losses[:run].copy(),
        grad_norms={name: series[:run].copy() for name, series in norms.items()},
        accuracies=None if accs is None else accs[:run].copy(),
        params=final_params,
        final_loss=float(final_loss),
        final_accuracy=final_accuracy,
        snapshots=tuple(snapshots),
        diverged_at=diverged_at,
        epochs_requested=epochs,
    )


def decision_grid(params: Params, X, hidden: str | Activation = "sigmoid", output: str | Activation = "sigmoid",
                  resolution: int = 100, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The network's output over a grid covering the data, for drawing a decision boundary.

    - params: a network with D = 2 inputs and C = 1 output; X: (N, 2) the data to cover
    Returns xs (R,), ys (R,) and A2 (R, R) with A2[i, j] = network output at (xs[j], ys[i]),
    R = resolution.
    """
    D, _, C = params.dims
    if D != 2 or C != 1:
        raise ValueError(f"a decision boundary needs 2 inputs and 1 output; the network has D={D}, C={C}")
    X = _check_X(params, X)
    resolution = positive_int("resolution", resolution)
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs, ys = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    gx, gy = np.meshgrid(xs, ys)
    A2 = predict(params, np.column_stack([gx.ravel(), gy.ravel()]), hidden, output)
    return xs, ys, A2.reshape(resolution, resolution)


def _flat_views(params: Params, empty: bool = False) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """One flat float64 vector holding W1, b1, W2, b2 back to back, and a view shaped like each."""
    arrays = (params.W1, params.b1, params.W2, params.b2)
    flat = np.empty(sum(a.size for a in arrays))
    views, offset = [], 0
    for a in arrays:
        view = flat[offset:offset + a.size].reshape(a.shape)
        if not empty:
            view[...] = a
        views.append(view)
        offset += a.size
    return flat, tuple(views)


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
