"""What a training run did, in numbers: the readings its lesson quotes (RunReading) and its curves, one value per
epoch ending with the trained network (Curves)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop.network import Network
from backprop.training import History


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
