"""What a training run teaches, in sentences built from its own numbers (backprop.reading.RunReading).

Each lesson states its claim only when the run bears it out; otherwise it says what the run did instead. Pure
functions: the page shows their text, the tests check it against the runs.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

import backprop as bp
from backprop.reading import RunReading, curves, read_run
from backprop.runs import TrainConfig
from dashboard.lab.controls import MAX_WIDTH, opening_epoch
from dashboard.numbers import row, short

#: A classification run that ends below this training accuracy gets a message saying so.
LOW_ACCURACY = 0.9
#: A weight matrix that moved by less than this share of its size over a run "hardly learns".
HARDLY_MOVED = 0.05
#: The test loss counts as having risen once it ends this far above its minimum (and above the training loss).
TEST_RISE = 0.2
#: "The first layer's gradient has vanished": summed over the run, at most this share of the last layer's.
VANISHED = 0.01
#: "The loss stalls": it changes by less than this share over the run.
STALLED = 0.05


def percent(x: float | None) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.0%}"


def loss_words(x: float | None, digits: int = 3) -> str:
    """A loss as the lab writes it everywhere: "—" when there is none, "not finite" past a divergence."""
    return "—" if x is None else short(x, digits) if np.isfinite(x) else "not finite"


def network_words(config: TrainConfig) -> str:
    """"4 hidden layers of 8 sigmoid units", "hidden layers of 16, 16 and 8 tanh units"."""
    sizes = config.hidden_sizes
    count = "one hidden layer" if len(sizes) == 1 else f"{len(sizes)} hidden layers"
    if len(set(sizes)) == 1:
        return f"{count} of {sizes[0]} {config.hidden} unit{'s' if sizes[0] > 1 else ''}"
    widths = ", ".join(str(w) for w in sizes[:-1]) + f" and {sizes[-1]}"
    return f"hidden layers of {widths} {config.hidden} units"


def init_words(config: TrainConfig) -> str:
    return "std 1/√fan-in" if config.init_scale is None else f"std {config.init_scale:g}"


def n_params(run: bp.runs.Run) -> int:
    return sum(int(a.size) for _, a in run.initial.parameters())


def ratio_words(ratio: float) -> str:
    """How one sum compares with another: 0.00445 → "1/225 of"; 0.64 → "0.64 times"."""
    if not np.isfinite(ratio):
        return "not a finite multiple of"
    return f"1/{1 / ratio:,.0f} of" if 0 < ratio < 0.1 else f"{short(ratio, 2)} times"


def vanished(reading: RunReading, depth: int) -> bool:
    return depth >= 4 and reading.first_to_last <= VANISHED


def test_rose(reading: RunReading) -> bool:
    """The held-out loss ended well above its minimum and above the training loss, while the training loss
    fell after that minimum (overfitting; a test loss that rises with the training loss is not)."""
    if reading.best_test_loss is None or reading.final_test_loss is None or not np.isfinite(reading.final_test_loss):
        return False
    return (reading.final_test_loss >= (1 + TEST_RISE) * reading.best_test_loss
            and reading.final_test_loss > reading.final_loss
            and reading.loss_at_best_test is not None and reading.final_loss < reading.loss_at_best_test)


# --- the lessons ---------------------------------------------------------------------------------------


def lesson(label: str, run: bp.runs.Run, variants: Sequence[tuple[str, bp.runs.Run]] = ()) -> str:
    """The paragraph of lesson ``label`` about ``run`` (its preset's run, trained to the end) and the runs it is
    compared with."""
    r = read_run(run.history)
    others = [(name, other, read_run(other.history)) for name, other in variants]
    return {
        "Learn XOR": _xor, "Vanishing gradients": _vanishing, "Learning rate too large": _too_large,
        "Spirals": _spirals, "Overfitting": _overfitting, "Assignment 5's network": _assignment,
    }[label](run, r, others)


def _counts(run, r: RunReading) -> str:
    text = f"{percent(r.final_accuracy)} of the {run.data.n_samples} training points"
    if run.test is not None and r.final_test_accuracy is not None:
        text += f" and {percent(r.final_test_accuracy)} of the {run.test.n_samples} held-out ones"
    return text


def _xor(run, r: RunReading, others) -> str:
    c = run.config
    head = (f"XOR cannot be split by one straight line, so a network without a hidden layer cannot learn it. With "
            f"{network_words(c)}, after {r.epochs:,} epochs ")
    if r.final_accuracy == 1.0:
        verdict = f"the network classifies {_counts(run, r)} right: it has learned XOR."
    else:
        verdict = f"the network classifies {_counts(run, r)} right: it has not learned XOR yet."
    return (head + verdict + f" The loss fell from {short(r.first_loss)} to {short(r.final_loss)}. Each first-layer "
            f"unit computes {c.hidden}(w·x + b), which changes only across one line of the plane; its picture shows "
            "that line, and the output combines them.")


def _signals(run: bp.runs.Run) -> tuple[bp.LayerSignal, bp.LayerSignal]:
    """The run's LayerSignal at epoch 0 and at the end."""
    y = run.targets(run.data)
    return tuple(bp.layer_signal(net, run.data.X, y, run.config.loss) for net in (run.initial, run.network))


def _vanishing(run, r: RunReading, others) -> str:
    c, L = run.config, len(run.config.hidden_sizes) + 1
    before, after = _signals(run)
    text = (f"{network_words(c).capitalize()}, with initial weights of {init_words(c)}. On the way back every layer "
            f"multiplies the error by its Wᵀ and by σ′(Z), which is at most ¼: the error δ1 = ∂L/∂Z1 that reaches the "
            f"first layer is {short(before.delta_norms[0] / before.delta_norms[-1], 2)} times the output's δ{L} at "
            f"epoch 0 and {short(after.delta_norms[0] / after.delta_norms[-1], 2)} times at the end. ")
    sums = f"Summed over the {r.epochs:,} epochs, ‖∂L/∂W1‖ is {ratio_words(r.first_to_last)} ‖∂L/∂W{L}‖"
    if vanished(r, L):
        text += sums + ": the first layer's gradient has vanished"
        if "W1" in r.weight_change:
            text += (f", and W1 moved by only {r.weight_change['W1']:.1%} of its size over the run "
                     f"(W{L} by {r.weight_change[f'W{L}']:.0%})")
        text += ". "
    else:
        text += sums + ", which is not the vanishing this lesson is about. "
    spread = after.spread[-2]
    text += (f"The small weights shrink the signal on the way forward too: the last hidden layer's outputs differ by "
             f"at most {short(spread, 2)} from one point to another, so the output layer can learn little more than "
             "the share of each class. ")
    text += _when_the_output_layer_is_done(run, L)
    change = f"from {short(r.first_loss)} to {short(r.final_loss)}"
    if abs(r.loss_change) < STALLED:
        text += (f"The loss stalls: it moved by only {abs(r.loss_change):.1%} ({change}), and "
                 f"{percent(r.final_accuracy)} of the training points are classified right.")
    else:
        text += f"The loss moved by {abs(r.loss_change):.0%} ({change})."
    for name, _, v in others:
        learned = v.final_accuracy is not None and v.final_accuracy >= 0.95
        text += (f" With {name}, Σ‖∂L/∂W1‖ is {ratio_words(v.first_to_last)} Σ‖∂L/∂W{L}‖ and the loss "
                 f"{'falls' if v.loss_change < 0 else 'moves'} from {short(v.first_loss)} to {short(v.final_loss)}: "
                 "the network " + ("learns XOR" if learned else "still does not learn XOR")
                 + f" ({percent(v.final_accuracy)}).")
    return text


def _class_share_loss(run: bp.runs.Run) -> tuple[float, float] | None:
    """(share of class 1, the bce of predicting that share for every point) for a binary bce run, else None."""
    y = run.targets(run.data)
    if run.config.loss != "bce" or y.shape[1] != 1 or not 0 < y.mean() < 1:
        return None
    share = float(y.mean())
    return share, -(share * np.log(share) + (1 - share) * np.log(1 - share))


def _when_the_output_layer_is_done(run: bp.runs.Run, L: int) -> str:
    """What the per-layer norms do once the output layer has learned the share of each class: the epoch from
    which ‖∂L/∂W1‖ is no longer below a tenth of ‖∂L/∂W_L‖, and the epoch from which it stays above it. Each
    clause is said only when the run bears it out (the loss then is that of predicting the class share; the
    output layer's norm fell; the loss stopped moving), so that the dots at the last epoch are explained."""
    c = curves(run.history)  # per epoch, and the trained network's values last
    first, last = (np.asarray(c.grad_norms[name], dtype=float) for name in ("W1", f"W{L}"))
    losses = np.asarray(c.train_loss, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = first / last
    tenth = int(np.argmax(ratio >= 0.1)) if (ratio >= 0.1).any() else None
    share = _class_share_loss(run)
    if (tenth is None or tenth == 0 or share is None or not last[tenth] < last[0]
            or not abs(losses[tenth] - share[1]) <= 1e-3 * share[1]):
        return ""
    text = (f"It has by epoch {tenth} (its loss is then {short(losses[tenth])}, what predicting P(class 1) = "
            f"{share[0]:.0%} for every point gives): until then ‖∂L/∂W1‖ stays below a tenth of ‖∂L/∂W{L}‖ "
            f"({ratio_words(ratio[0])} it at epoch 0), while ‖∂L/∂W{L}‖ itself falls from {short(last[0], 2)} to "
            f"{short(last[tenth], 2)}. ")
    below = np.flatnonzero(~(ratio >= 1))
    cross = None if below.size == 0 else int(below[-1]) + 1
    if cross is None or cross >= len(ratio):
        return text
    still = abs(losses[-1] - losses[cross]) <= 1e-3 * abs(losses[cross])
    bound = 10.0 ** (np.floor(np.log10(max(first[-1], last[-1]))) + 1)  # a power of ten above both
    shown = [e for e in run.snapshot_epochs if e < tenth]
    text += (f"From epoch {cross} on, ‖∂L/∂W{L}‖ is even smaller than ‖∂L/∂W1‖ ({ratio_words(1 / ratio[-1])} it at "
             f"the end; both below {short(bound, 1)})"
             + (f" and the loss stays at {short(losses[-1])}" if still else "")
             + ", so the dots at the last epoch no longer show the vanishing: " + _where_it_shows(run, shown) + ". ")
    return text


def _where_it_shows(run: bp.runs.Run, shown: list[int]) -> str:
    """Where to see the vanishing: the epoch the lesson opens on when it is one of ``shown`` (before the output layer
    is done), else the last two of them."""
    opens = opening_epoch(run.config)
    if opens in shown:
        others = [e for e in shown[-2:] if e != opens]
        return (f"the lesson opens at epoch {opens}, where they do"
                + (f" (so does epoch {others[-1]})" if others else ""))
    return "set *Epoch shown* to " + " or ".join(str(e) for e in shown[-2:]) + " to see it"


def _too_large(run, r: RunReading, others) -> str:
    c = run.config
    text = f"A learning rate of {c.lr:g} on the regression surface. "
    if r.diverged_at is not None:
        text += (f"Each step overshoots the bottom of the valley by more than the last: the loss rose in {r.rises} of "
                 f"the {r.epochs - 1} steps from one epoch to the next, from epoch {r.first_rise} on, and stopped "
                 f"being a finite number at epoch {r.diverged_at} (the red line on the chart), where training stopped.")
    elif r.rises:
        text += (f"The steps overshoot: the loss rose in {r.rises} of the {r.epochs - 1} steps from one epoch to the "
                 f"next, from epoch {r.first_rise} on, and ended at {short(r.final_loss)}.")
    else:
        text += f"With these settings the loss never rose: it fell from {short(r.first_loss)} to {short(r.final_loss)}."
    text += _first_layer_went_silent(run)
    for name, _, v in others:
        if v.diverged_at is None and not v.rises:
            text += (f" With {name} the same network's loss falls at every epoch, from {short(v.first_loss)} to "
                     f"{short(v.final_loss)}.")
        else:
            text += f" With {name} the loss rose {v.rises} times."
    return text


def _first_layer_went_silent(run: bp.runs.Run) -> str:
    """When ‖∂L/∂W1‖ is exactly 0 from some epoch to the end (its curve stops on a log scale), say from when, and
    why when the run shows it: tanh units whose every output is ±1 to the last digit have slope 1 − tanh² = 0."""
    first = np.asarray(curves(run.history).grad_norms["W1"], dtype=float)  # the chart's curve, trained net last
    moving = np.flatnonzero(first != 0)
    if first[-1] != 0 or moving.size == 0:
        return ""
    since = int(moving[-1]) + 1
    text = (f" From epoch {since} on ‖∂L/∂W1‖ is exactly 0, so its curve stops there on the log scale (a log scale "
            "has no 0)")
    if run.config.hidden == "tanh":
        shown = [e for e in run.snapshot_epochs if e >= since]  # the epochs the scrubber can show from then on
        if all(np.all(np.abs(bp.network_forward(run.network_at(e), run.data.X).As[0]) == 1.0) for e in shown):
            text += (": the first layer's weights have grown so large that every tanh unit outputs ±1 to the last "
                     "digit, where its slope 1 − tanh² is 0, so no error passes back through them")
    return text + "."


def _spirals(run, r: RunReading, others) -> str:
    c = run.config
    text = (f"Two spirals of {run.data.n_samples} training points with noise {c.noise:g}. With {network_words(c)}, "
            f"trained with {'Adam' if c.optimizer == 'adam' else c.optimizer}, after {r.epochs:,} epochs the network "
            f"classifies {_counts(run, r)} right")
    text += "." if (r.final_accuracy or 0) >= 0.95 else ", short of separating them."
    for name, _, v in others:
        text += (f" With {name}: {percent(v.final_accuracy)} of the training points and "
                 f"{percent(v.final_test_accuracy)} of the held-out ones")
        if (v.final_accuracy or 0) - (v.final_test_accuracy or 0) >= 0.2:
            text += " — the arms blur into each other, and the network learns its own points' noise"
        text += "."
    return text


def _overfitting(run, r: RunReading, others) -> str:
    c = run.config
    text = (f"Only {run.data.n_samples} training points with noise {c.noise:g}, and a network with {n_params(run):,} "
            f"parameters to fit them. The training loss falls from {short(r.first_loss)} to {short(r.final_loss)}")
    if test_rose(r):
        rise = r.final_test_loss / r.best_test_loss - 1
        text += (f", while the test loss is lowest at epoch {r.best_test_epoch} ({short(r.best_test_loss)}, marked on "
                 f"the chart) and then rises to {short(r.final_test_loss)}, {rise:.0%} above its minimum: the network "
                 "learns the noise of its few points rather than the moons. ")
    else:
        text += f"; the test loss ends at {short(r.final_test_loss)}, {short(r.best_test_loss)} at its lowest. "
    text += f"The test loss ends {short(r.gap)} above the training loss."
    for name, _, v in others:
        smaller = v.gap is not None and r.gap is not None and v.gap < r.gap
        text += (f" With {name}, which adds (λ/2)·Σ‖W‖² to the loss so that large weights cost, the gap ends at "
                 f"{short(v.gap)}" + (f", {1 - v.gap / r.gap:.0%} smaller." if smaller else ", no smaller."))
    return text


def _outputs(run: bp.runs.Run) -> tuple[np.ndarray, np.ndarray]:
    """The network's outputs for the run's one sample at epoch 0 and at the end."""
    return bp.predict(run.initial, run.data.X)[0], bp.predict(run.network, run.data.X)[0]


def _assignment(run, r: RunReading, others) -> str:
    c = run.config
    before, after = _outputs(run)
    start = ("starting from the assignment's W1, b1 and W2 (b2 = 0)" if c.hidden_sizes == (2,)
             else f"with {network_words(c)} drawn at random")
    return (f"The 2-2-2 network of Problems 2–4, {start}, trained on its one sample X = {row(run.data.X[0])} "
            f"towards the target {row(run.data.y[0])} with {c.loss} and a learning rate of {c.lr:g}. In {r.epochs:,} "
            f"epochs the loss falls from {short(r.first_loss)} to {short(r.final_loss)} and the outputs move from "
            f"{row(before)} to {row(after)}. Epoch 0 in the backprop view below is one pass of Problems 2–4, with δ2 "
            "coming from this target.")


def _finite(value):
    """A number or nested numbers with every value that is not finite as None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_finite(v) for v in (value.tolist() if isinstance(value, np.ndarray) else value)]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    return value.item() if isinstance(value, np.generic) else value


def quoted(label: str, run: bp.runs.Run, variants: Sequence[tuple[str, bp.runs.Run]] = ()) -> dict:
    """The numbers lesson ``label``'s paragraph is built from, for the run JSON: the run's reading and each compared
    run's, and the lesson's own (the error ratio δ1/δ_L at epoch 0 and at the end, how far each W moved, the spread
    of the last hidden layer; the assignment's outputs before and after), computed as the paragraph computes them."""
    from dataclasses import asdict

    numbers = {"reading": asdict(read_run(run.history)),
               "variants": {name: asdict(read_run(v.history)) for name, v in variants}}
    if label == "Vanishing gradients":
        before, after = _signals(run)
        numbers |= {"delta1_over_delta_last": {"epoch 0": before.delta_norms[0] / before.delta_norms[-1],
                                               "end": after.delta_norms[0] / after.delta_norms[-1]},
                    "last_hidden_spread_at_end": after.spread[-2]}
    if label == "Assignment 5's network":
        before, after = _outputs(run)
        numbers |= {"X": run.data.X[0], "target": run.data.y[0], "outputs_at_epoch_0": before, "outputs_at_end": after}
    return _finite(numbers)


def comparison(label: str, run: bp.runs.Run, variants: Sequence[tuple[str, bp.runs.Run]]) -> list[dict]:
    """One row per run of a lesson (this run first, then its variants), with the numbers that lesson turns on."""
    rows = []
    L = len(run.config.hidden_sizes) + 1
    for name, other in [("this run", run), *variants]:
        v = read_run(other.history)
        entry = {"run": name}
        if label == "Vanishing gradients":
            entry[f"Σ‖∂L/∂W1‖ / Σ‖∂L/∂W{L}‖"] = short(v.first_to_last, 3)
        entry["loss at epoch 0"] = loss_words(v.first_loss)
        entry["final loss"] = loss_words(v.final_loss)
        if label == "Learning rate too large":
            entry["loss rose (epochs)"] = str(v.rises)
            entry["diverged at epoch"] = "—" if v.diverged_at is None else str(v.diverged_at)
        if v.final_accuracy is not None:
            entry["training accuracy"] = percent(v.final_accuracy)
        if v.final_test_accuracy is not None:
            entry["test accuracy"] = percent(v.final_test_accuracy)
        if label == "Overfitting":
            entry["lowest test loss (epoch)"] = f"{short(v.best_test_loss, 3)} ({v.best_test_epoch})"
            entry["final test loss"] = short(v.final_test_loss, 3)
            entry["test − training loss"] = short(v.gap, 3)
        rows.append(entry)
    return rows


# --- what each lesson's run must show --------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Lesson:
    """A lesson's runs, as its claims read them: its own run and reading, and each compared run's by name."""

    run: bp.runs.Run
    reading: RunReading
    variants: dict[str, tuple[bp.runs.Run, RunReading]]

    def variant(self, name: str) -> RunReading:
        return self.variants[name][1]


@dataclass(frozen=True, eq=False)
class Claim:
    """A bound a lesson's run satisfies, with the margin the lesson needs: ``text`` is how the table of
    lessons states it, ``holds`` checks it on the runs. Bounds, not a machine's last digits: a seeded run ends a
    few last digits (or one percentage point) apart on another processor, and every claim must hold there too."""

    text: str
    holds: Callable[[Lesson], bool]


def read_lesson(run: bp.runs.Run, variants: Sequence[tuple[str, bp.runs.Run]] = ()) -> Lesson:
    """The Lesson of ``run`` (trained to its end) and the runs it is compared with."""
    return Lesson(run, read_run(run.history), {name: (v, read_run(v.history)) for name, v in variants})


def _norms(lesson: Lesson, name: str) -> np.ndarray:
    return np.asarray(lesson.run.history.grad_norms[name])


def _first_layer_below_a_tenth(lesson: Lesson, epochs: int) -> bool:
    first, last = _norms(lesson, "W1"), _norms(lesson, f"W{lesson.run.initial.depth}")
    return bool(np.all(first[:epochs] < 0.1 * last[:epochs]))


def _below_at_opening(lesson: Lesson, share: float) -> bool:
    """‖∂L/∂W1‖ < share·‖∂L/∂W_L‖ at the epoch the page opens the lesson on (the chart's curves there)."""
    epoch = opening_epoch(lesson.run.config)
    c = curves(lesson.run.history)
    i = int(np.searchsorted(c.epochs, epoch))
    return bool(c.grad_norms["W1"][i] < share * c.grad_norms[f"W{lesson.run.initial.depth}"][i])


def _delta_ratio(lesson: Lesson) -> float:
    """The larger, at epoch 0 and at the end, of ‖δ1‖ / ‖δ_L‖: how much of the output's error reaches layer 1."""
    y = lesson.run.targets(lesson.run.data)
    signals = (bp.layer_signal(net, lesson.run.data.X, y, lesson.run.config.loss)
               for net in (lesson.run.initial, lesson.run.network))
    return max(s.delta_norms[0] / s.delta_norms[-1] for s in signals)


#: What each lesson's run shows, as bounds: asserted on the run (and on runs perturbed by far less than any machine
#: difference) by tests/dashboard/lab/test_lessons.py, and stated in these words in docs/lab.md's table of lessons.
CLAIMS: dict[str, tuple[Claim, ...]] = {
    "Learn XOR": (
        Claim("100% of the training points classified right", lambda s: s.reading.final_accuracy == 1.0),
        Claim("the loss falls below a tenth of its start", lambda s: s.reading.final_loss < 0.1 * s.reading.first_loss),
    ),
    "Vanishing gradients": (
        Claim("Σ over the run of ‖∂L/∂W1‖ ≤ 1/100 of ‖∂L/∂W5‖", lambda s: s.reading.first_to_last <= VANISHED),
        Claim("the loss moves < 5%", lambda s: abs(s.reading.loss_change) < STALLED),
        Claim("the error δ1 reaching the first layer stays < 10⁻³ of the output's", lambda s: _delta_ratio(s) < 1e-3),
        Claim("‖∂L/∂W1‖ is below a tenth of ‖∂L/∂W5‖ for at least the first 10 epochs",
              lambda s: _first_layer_below_a_tenth(s, 10)),
        Claim("and below a hundredth at the epoch the lesson opens on (0)", lambda s: _below_at_opening(s, 0.01)),
        Claim("with tanh the network learns XOR (≥ 95%)",
              lambda s: s.variant("tanh instead of sigmoid").final_accuracy >= 0.95),
        Claim("a larger init alone does not (< 60%)",
              lambda s: s.variant("initial weights of std 1/√fan-in instead of 0.1").final_accuracy < 0.6),
    ),
    "Learning rate too large": (
        Claim("the loss rises at more than half of the steps", lambda s: s.reading.rises > s.reading.epochs // 2),
        Claim("and stops being finite before epoch 200 (marked)",
              lambda s: s.reading.diverged_at is not None and s.reading.diverged_at < 200),
        Claim("at lr 0.5 it falls at every epoch",
              lambda s: (v := s.variant("learning rate 0.5")).diverged_at is None and v.rises == 0),
    ),
    "Spirals": (
        Claim("≥ 95% training accuracy", lambda s: s.reading.final_accuracy >= 0.95),
        Claim("≥ 90% test accuracy", lambda s: s.reading.final_test_accuracy >= 0.9),
        Claim("one layer of 4 units gets < 80%",
              lambda s: s.variant("one hidden layer of 4 units").final_accuracy < 0.8),
        Claim("noise 0.2 memorises: training accuracy ≥ 90% and ≥ 20 points above test",
              lambda s: (v := s.variant("noise 0.2 instead of 0.05")).final_accuracy >= 0.9
              and v.final_accuracy - v.final_test_accuracy >= 0.2),
    ),
    "Overfitting": (
        Claim("the training loss falls below a tenth of its start", lambda s: s.reading.final_loss
              < 0.1 * s.reading.first_loss),
        Claim("the test loss ends ≥ 20% above its minimum and above the training loss", lambda s: test_rose(s.reading)),
        Claim("with L2 0.003 the gap between them shrinks by ≥ 40%",
              lambda s: s.variant("L2 strength 0.003").gap <= 0.6 * s.reading.gap),
    ),
    "Assignment 5's network": (
        Claim("the loss falls below 1/100 of its start", lambda s: s.reading.final_loss < 0.01 * s.reading.first_loss),
        Claim("both outputs end within 0.05 of the target (0, 1)",
              lambda s: float(np.abs(bp.predict(s.run.network, s.run.data.X)[0] - s.run.data.y[0]).max()) < 0.05),
    ),
}


def broken_claims(lesson: Lesson, label: str) -> list[str]:
    """The texts of ``label``'s claims that ``lesson`` does not bear out (empty when all hold)."""
    return [claim.text for claim in CLAIMS[label] if not claim.holds(lesson)]


# --- what any run says ---------------------------------------------------------------------------------


def diagnostics(run: bp.runs.Run) -> list[tuple[str, str]]:
    """What went wrong (or notably right) in a finished run, as (kind, text): "error" for divergence, "warning" for a
    loss that rose or a low accuracy, "info" for a vanished gradient or a rising test loss. Numbers from the run."""
    c, r = run.config, read_run(run.history)
    L = len(c.hidden_sizes) + 1
    out = []
    if r.diverged_at is not None:
        out.append(("error", f"**The loss stopped being a finite number at epoch {r.diverged_at}**, so training "
                             f"stopped there (the red line on the chart). With a learning rate of {c.lr:g} each update "
                             "W ← W − lr·∂L/∂W overshoots the minimum by more than the last, so the weights and the "
                             "loss grow without bound. Lower the learning rate and train again; a large initial "
                             "weight scale can do the same."))
    elif r.final_loss > r.first_loss:
        out.append(("warning", f"**The loss went up**, from {short(r.first_loss)} to {short(r.final_loss)}: with a "
                               f"learning rate of {c.lr:g} the steps overshoot, so the loss bounces up the other side "
                               "of the valley instead of settling in it. Try a smaller learning rate."))
    elif r.rises > r.epochs // 10:
        why = (f"each update follows only one mini-batch of the data (if the steps also overshoot, a learning rate "
               f"smaller than {c.lr:g} steadies the curve)" if c.batch_size is not None
               else f"with a learning rate of {c.lr:g} some steps overshoot")
        out.append(("info", f"The loss fell from {short(r.first_loss)} to {short(r.final_loss)}, but rose from one "
                            f"epoch to the next {r.rises} times: {why}."))
    lr_blamed = bool(out)  # every message above says the learning rate overshoots
    if vanished(r, L):
        moved = r.weight_change.get("W1")
        if moved is None:
            learns = ""
        elif moved < HARDLY_MOVED:
            learns = f" Over the run W1 moved by only {moved:.1%} of its size: it hardly learns."
        else:
            size = f"{moved:.0f} times its size" if moved >= 2 else f"{moved:.0%} of its size"
            learns = f" Even so, W1 moved by {size} over the run" + (
                ": Adam divides each step by the gradient's own running size, so a small gradient still takes "
                "full-sized steps." if c.optimizer == "adam" else ".")
        out.append(("info", f"Summed over the run, ‖∂L/∂W1‖ is {ratio_words(r.first_to_last)} ‖∂L/∂W{L}‖: the "
                            "error reaching the first layer has been multiplied by Wᵀ and by the activation's "
                            "derivative once per layer on the way back, and has vanished." + learns))
    classified = r.final_accuracy is not None and run.config.classes
    underfits = classified and r.final_accuracy < LOW_ACCURACY  # failing on its own data is not overfitting
    if r.diverged_at is None and underfits:
        tries = ["more epochs"]
        if r.rises > r.epochs // 10:
            tries.insert(0, f"a learning rate smaller than {c.lr:g} (the loss rose at {r.rises} epochs)")
        elif not lr_blamed and c.optimizer != "adam":
            tries.append("a larger learning rate")
        if c.optimizer != "adam":
            tries.append("Adam")
        if max(c.hidden_sizes, default=0) < MAX_WIDTH:
            tries.append("more hidden units")
        if c.noise >= 0.2 and c.dataset in ("spirals", "circles", "moons"):
            tries.insert(0, f"less noise (at {c.noise:g} the classes overlap)")
        hint = ", ".join(tries[:-1]) + " or " + tries[-1] if len(tries) > 1 else tries[0]
        out.append(("warning", f"Training accuracy ended at {percent(r.final_accuracy)}: the network has not "
                               f"separated the classes. Try {hint}."))
    if test_rose(r) and not underfits:
        l2 = f"A stronger L2 (now {c.l2:g})" if c.l2 > 0 else "L2"
        out.append(("info", f"The test loss was lowest at epoch {r.best_test_epoch} ({short(r.best_test_loss)}) and "
                            f"has risen to {short(r.final_test_loss)} since, while the training loss fell to "
                            f"{short(r.final_loss)}: the network is overfitting its {run.data.n_samples} training "
                            f"points. {l2}, more samples or "
                            "fewer epochs help."))
    return out
