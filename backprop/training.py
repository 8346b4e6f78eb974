"""Training by gradient descent, for the 2-layer MLP and networks of any depth, with the history the
dashboard plots.

``train`` is plain full-batch gradient descent by default (p ← p − lr·g, no shuffling), so
``History.losses[e]`` is the loss of the parameters *before* update e. Every epoch goes forward and
backward through the layer pairs (``network.forward_unchecked`` and ``network.network_backward``).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from backprop._checks import as_matrix, check_inner, finite_float, positive_int, seed_value
from backprop.activations import Activation, get_activation, get_output, unguarded
from backprop.layers import loss_and_delta
from backprop.losses import Loss, get_loss, targets
from backprop.network import (
    Network,
    Params,
    check_inputs,
    forward_unchecked,
    l2_penalty,
    network_backward,
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
        cache = forward_unchecked(self.net, X, overwrite=True, keep_output_z=self.loss.cancels)
        value, dZ_out = loss_and_delta(cache.Zs[-1], cache.output, Y, cache.activation[-1], self.loss)
        dWs, dbs, _ = network_backward(self.net, cache, dZ_out, out=self.grad_views)  # straight into grad
        if self.l2:
            value += l2_penalty(self.net, self.l2)
            for dW, W in zip(dWs, self.net.Ws, strict=True):
                dW += self.l2 * W
        return value, cache.output, dWs

    def value(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss at theta on (X, Y) and the output, without gradients."""
        cache = forward_unchecked(self.net, X)
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
    plan = _plan(params, X, y, lr=lr, epochs=epochs, hidden=hidden, output=output, loss=loss, optimizer=optimizer,
                 momentum=momentum, l2=l2, batch_size=batch_size, seed=seed, snapshot_epochs=snapshot_epochs,
                 X_test=X_test, y_test=y_test, resume=resume)
    # one errstate for the whole run: the activations are computed unguarded (see _Evaluator)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        return _history(plan, _run_epochs(plan, callback))


# --- train, in three parts: the checked arguments, the epoch loop, the History ---------------------------


@dataclass(eq=False)
class _Plan:
    """One call of train with its arguments checked: the network to start from, the data as matrices, the optimizer
    (its update and state), the shuffler and the epochs to run and to keep."""

    net: Network
    as_params: bool
    loss: Loss
    optimizer: str
    update: Callable
    opt_state: dict
    l2: float
    epochs: int
    X: np.ndarray
    Y: np.ndarray
    test: tuple[np.ndarray, np.ndarray] | None
    batch_size: int | None
    rng: np.random.Generator
    first: int
    wanted: set[int]

    @property
    def softmax(self) -> bool:
        return self.loss.name == "ce"


def _plan(params, X, y, *, lr, epochs, hidden, output, loss, optimizer, momentum, l2, batch_size, seed,
          snapshot_epochs, X_test, y_test, resume) -> _Plan:
    """train's arguments checked (a ValueError names the one that is wrong) and resume applied."""
    net, as_params = _starting_network(params, hidden, output, resume)
    loss_fn = get_loss(loss, get_output(net.output))
    if optimizer == "sgd" and momentum:
        optimizer = "momentum"
    opt_state = optimizer_state(optimizer, lr, momentum)
    if resume is not None:
        if resume.optimizer != optimizer:
            raise ValueError(f"resume was made with optimizer {resume.optimizer!r}, not {optimizer!r}")
        opt_state = {**resume.optimizer_state, **opt_state}
    epochs = positive_int("epochs", epochs)
    l2 = finite_float("l2", l2, minimum=0.0)
    X = check_inputs(net, X)
    Y = targets(y, X.shape[0], net.sizes[-1], loss_fn)
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
    return _Plan(net, as_params, loss_fn, optimizer, OPTIMIZERS[optimizer], opt_state, l2, epochs, X, Y, test,
                 batch_size, rng, first, wanted)


def _starting_network(params, hidden, output, resume: TrainState | None) -> tuple[Network, bool]:
    """The Network train starts from (resume's, when given) and whether the caller gave Params."""
    as_params = isinstance(params, Params)
    if as_params:
        net = params.network(hidden or "sigmoid", output or "sigmoid")  # names, so that a History pickles
    elif isinstance(params, Network):
        for given, own, what in ((hidden, params.hidden, "hidden"), (output, params.output, "output")):
            if given is not None and activation_name(given) != activation_name(own):
                raise ValueError(f"{what}={given!r} disagrees with the Network's own {what} activation {own!r}")
        net = params
    else:
        raise ValueError(f"params must be Params or a Network; got {type(params).__name__}")
    if resume is not None:  # the weights come from resume; the network must be the one it was made with
        stored = resume.network
        mine = (net.sizes, activation_name(net.hidden), activation_name(net.output))
        theirs = (stored.sizes, activation_name(stored.hidden), activation_name(stored.output))
        if mine != theirs:
            raise ValueError(f"resume was made with a network of sizes {theirs[0]}, hidden {theirs[1]!r} and output "
                             f"{theirs[2]!r}; params give sizes {mine[0]}, hidden {mine[1]!r}, output {mine[2]!r}")
        net = stored
    return net, as_params


@dataclass(eq=False)
class _Record:
    """What the epoch loop wrote down: per-epoch series (the first ``run`` entries are filled; norms squared, train
    accuracies as counts), snapshots, the divergence, and the evaluator holding the final parameters."""

    ev: _Evaluator
    run: int
    losses: np.ndarray
    norms: np.ndarray
    accs: np.ndarray | None
    test_losses: np.ndarray | None
    test_accs: np.ndarray | None
    snapshots: list[Snapshot]
    diverged_at: int | None
    opt_state: dict


def _run_epochs(plan: _Plan, callback: Callable[[int, float], None] | None) -> _Record:
    """The epoch loop: forward, backward and update through the layer pairs, recording each epoch."""
    X, Y, test, softmax = plan.X, plan.Y, plan.test, plan.softmax
    N = X.shape[0]
    classes = _classes(Y, plan.loss)
    Y_key = Y.argmax(axis=1) if softmax else Y >= 0.5
    test_key = None if test is None else (test[1].argmax(axis=1) if softmax else test[1] >= 0.5)
    ev = _Evaluator(plan.net, plan.loss, plan.l2)
    epochs = plan.epochs
    rec = _Record(ev, 0, np.empty(epochs), np.empty((plan.net.depth, epochs)), np.empty(epochs) if classes else None,
                  np.empty(epochs) if test is not None else None,
                  np.empty(epochs) if test is not None and classes else None, [], None, plan.opt_state)

    def step() -> bool:
        """Apply one update; leave theta untouched and return False if the result is not finite.

        (Checked through its squared norm, one product instead of two passes: a NaN or ±inf anywhere makes it
        NaN or inf, and so do parameters beyond 1e154, which have diverged whatever they are.)"""
        trial, new_state = plan.update(ev.theta, ev.grad, rec.opt_state)
        if not math.isfinite(np.dot(trial, trial)):
            return False
        ev.theta[...] = trial
        rec.opt_state = new_state
        return True

    minibatches = plan.batch_size is not None and plan.batch_size < N
    for i in range(epochs):
        epoch = plan.first + i
        value, A, dWs = ev.run(X, Y)
        if not math.isfinite(value):  # a gradient that is not finite shows in the update, checked in step()
            rec.diverged_at = epoch
            break
        rec.losses[i] = value
        for l, dW in enumerate(dWs):
            rec.norms[l, i] = np.vdot(dW, dW)  # squared here, rooted once at the end
        if rec.accs is not None:  # counts of right entries here, made shares once at the end
            rec.accs[i] = np.count_nonzero(A.argmax(axis=1) == Y_key if softmax else (A >= 0.5) == Y_key)
        if test is not None:
            test_value, A_test = ev.value(*test)
            rec.test_losses[i] = test_value
            if rec.test_accs is not None:
                rec.test_accs[i] = _correct(A_test, test[1], softmax, test_key)
        if epoch in plan.wanted:
            rec.snapshots.append(Snapshot(epoch, _model(plan, ev), ev.grads_dict(), value))
        if callback is not None:
            callback(epoch, value)
        if not minibatches:
            ok = step()
        else:
            order = plan.rng.permutation(N)
            ok = True
            for start in range(0, N, plan.batch_size):
                idx = order[start:start + plan.batch_size]
                ev.run(X[idx], Y[idx])
                ok = step()
                if not ok:
                    break
        rec.run = i + 1
        if not ok:
            rec.diverged_at = epoch + 1
            break
    return rec


def _model(plan: _Plan, ev: _Evaluator) -> Params | Network:
    current = ev.network()
    return Params.of(current) if plan.as_params else current


def _history(plan: _Plan, rec: _Record) -> History:
    """The History of a finished loop: the final network's loss and accuracy, the last snapshot, the state."""
    ev, run, softmax = rec.ev, rec.run, plan.softmax
    classes = rec.accs is not None
    Y_key = plan.Y.argmax(axis=1) if softmax else plan.Y >= 0.5
    final_params = _model(plan, ev)
    final_loss, final_A, _ = ev.run(plan.X, plan.Y)
    final_accuracy = _correct(final_A, plan.Y, softmax, Y_key) if classes else None
    final_test_loss = final_test_accuracy = None
    if plan.test is not None:
        final_test_loss, final_A_test = ev.value(*plan.test)
        test_key = plan.test[1].argmax(axis=1) if softmax else plan.test[1] >= 0.5
        final_test_accuracy = _correct(final_A_test, plan.test[1], softmax, test_key) if classes else None
    last = plan.first + run
    snapshots = list(rec.snapshots)
    if not snapshots or snapshots[-1].epoch != last:
        snapshots.append(Snapshot(last, final_params, ev.grads_dict(), float(final_loss)))
    names = [f"W{l}" for l in range(1, plan.net.depth + 1)]
    return History(
        losses=rec.losses[:run].copy(),
        grad_norms={name: np.sqrt(series[:run]) for name, series in zip(names, rec.norms, strict=True)},
        accuracies=None if rec.accs is None else rec.accs[:run] / (plan.X.shape[0] if softmax else plan.Y.size),
        params=final_params,
        final_loss=float(final_loss),
        final_accuracy=final_accuracy,
        snapshots=tuple(snapshots),
        diverged_at=rec.diverged_at,
        test_losses=None if rec.test_losses is None else rec.test_losses[:run].copy(),
        test_accuracies=None if rec.test_accs is None else rec.test_accs[:run].copy(),
        final_test_loss=None if final_test_loss is None else float(final_test_loss),
        final_test_accuracy=final_test_accuracy,
        start_epoch=plan.first,
        state=TrainState(ev.network(), plan.optimizer, rec.opt_state, plan.rng.bit_generator.state, last),
    )


def activation_name(activation: str | Activation) -> str:
    """An activation's name, whether given by name or as an Activation."""
    return activation.name if isinstance(activation, Activation) else activation
