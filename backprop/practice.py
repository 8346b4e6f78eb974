"""Fresh problems of Assignment 5's kind, reproducible from a seed, with numbers a person can work by hand.

``make_problem(kind, size, seed)`` draws the givens with numpy's seeded generator and solves them with
``assignment.solve``, the function the problem pages use, so a practice answer is checked against the
same numbers a page would show. Kinds:

- "forward": X, W1, b1 → Z1 = X·W1 + b1 and A1 = σ(Z1)                    (Problem 2)
- "output":  A1, δ2 → ∂L/∂W2 = A1ᵀ·δ2 and ∂L/∂b2 = Σₙ δ2                  (Problem 3, A1 given)
- "hidden":  X, Z1, W2, δ2 → δ1 = (δ2·W2ᵀ) ∗ σ′(Z1), ∂L/∂W1 = Xᵀ·δ1, ∂L/∂b1 = Σₙ δ1   (Problem 4)
- "update":  W1, b1, W2, b2, their gradients and η → each θ − η·∂L/∂θ                 (Problem 5)
- "whole":   X, W1, b1, W2, b2, targets y, η → Z1, A1, δ2 (from the mean squared error), ∂L/∂W2,
  δ1, ∂L/∂W1, and the updated W1 and W2: one complete training step, as the pages' consistent mode

Numbers: X small integers, weights and biases one decimal, δ2 and given activations two decimals,
targets 0 or 1, gradients for "update" two decimals, η one of 0.1, 0.5, 1. A draw whose answer has a
zero entry or a square answer equal to its transpose (see _degenerate) is thrown away and the next one
drawn, from the same generator: the same seed always gives the same problem.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backprop import mistakes
from backprop._checks import seed_value
from backprop.assignment import DEFAULT_INPUTS, Inputs, Solution, settle_rounding, solve
from backprop.network import Params
from backprop.update import descent_step

KINDS = {
    "forward": "The forward pass: Z1 and A1",
    "output": "The output layer's gradient",
    "hidden": "The hidden layer: δ1 and ∂L/∂W1",
    "update": "One gradient-descent step",
    "whole": "The whole step, in order",
}
#: The largest sizes a practice problem has: N samples, D inputs, H hidden units, C outputs.
LIMITS = {"N": 3, "D": 3, "H": 3, "C": 2}
LEARNING_RATES = (0.1, 0.5, 1.0)
MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Size:
    """N samples, D inputs, H hidden units, C outputs; the assignment's is 1 sample of a 2-2-2 network."""

    N: int = 1
    D: int = 2
    H: int = 2
    C: int = 2

    def __post_init__(self):
        for name, limit in LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 1 <= value <= limit:
                raise ValueError(f"{name} must be a whole number from 1 to {limit}; got {value!r}")

    @property
    def text(self) -> str:
        """'1 sample, 2-2-2 network'."""
        return f"{self.N} sample{'s' if self.N > 1 else ''}, {self.D}-{self.H}-{self.C} network"


ASSIGNMENT_SIZE = Size()


@dataclass(frozen=True, eq=False)
class Answer:
    """One matrix the student computes: its key, symbol, axis names and the right value."""

    key: str
    symbol: str
    row_name: str
    col_name: str
    value: np.ndarray


@dataclass(frozen=True, eq=False)
class Problem:
    """A practice problem and its solution.

    - givens: name → matrix shown to the student (in the order shown)
    - answers: what the student computes, in the order it is computed
    - solution: assignment.solve's Solution of the givens ("consistent" for "whole": δ2 from y; otherwise
      "assignment", where δ2 is given, with A1 given for "output" and δ1 the one propagated from δ2 for
      "hidden")
    - for "update" and "whole": lr = η, before = the parameters, grads = their gradients, scaled = η·grad
      and updated = the parameters after one step (update.descent_step)
    """

    kind: str
    size: Size
    seed: int
    givens: dict[str, np.ndarray]
    answers: tuple[Answer, ...]
    solution: Solution
    lr: float | None = None
    before: Params | None = None
    grads: dict[str, np.ndarray] | None = None
    scaled: dict[str, np.ndarray] | None = None
    updated: Params | None = None

    @property
    def link(self) -> str:
        """The query string that gives this problem again."""
        size = "" if self.size == ASSIGNMENT_SIZE else f"&size={self.size.N},{self.size.D},{self.size.H},{self.size.C}"
        return f"kind={self.kind}&seed={self.seed}{size}"


def _one_decimal(rng, shape, low=-0.9, high=0.9) -> np.ndarray:
    """Entries k/10 with low ≤ k/10 ≤ high, never 0."""
    values = rng.integers(round(low * 10), round(high * 10) + 1, size=shape)
    values[values == 0] = rng.choice([-1, 1], size=int((values == 0).sum()))
    return values / 10.0


def _two_decimals(rng, shape, low, high) -> np.ndarray:
    """Entries k/100 with low ≤ k/100 ≤ high, never 0."""
    values = rng.integers(round(low * 100), round(high * 100) + 1, size=shape)
    values[values == 0] = 1
    return values / 100.0


def _small_integers(rng, shape) -> np.ndarray:
    """Entries from −3 to 3, never 0."""
    values = rng.integers(1, 4, size=shape) * rng.choice([-1, 1], size=shape)
    return values.astype(np.float64)


def _draw_inputs(rng, size: Size) -> Inputs:
    N, D, H, C = size.N, size.D, size.H, size.C
    return DEFAULT_INPUTS.resized(N=N, D=D, H=H, C=C).with_values(
        X=_small_integers(rng, (N, D)), W1=_one_decimal(rng, (D, H)), b1=_one_decimal(rng, H),
        W2=_one_decimal(rng, (H, C)), delta2=_two_decimals(rng, (N, C), -0.5, 0.5),
        A1_given=_two_decimals(rng, (N, H), 0.05, 0.95), delta1_given=_two_decimals(rng, (N, H), -0.09, 0.09),
        b2=_one_decimal(rng, C), y=rng.integers(0, 2, size=(N, C)).astype(np.float64),
    )


def _gradients(rng, shapes: dict[str, tuple]) -> dict[str, np.ndarray]:
    return {name: _two_decimals(rng, shape, -0.5, 0.5) for name, shape in shapes.items()}


def _answers(kind: str, sol: Solution, updated: Params | None) -> tuple[Answer, ...]:
    forward = (Answer("Z1", "Z1", "sample", "hidden unit", sol.Z1),
               Answer("A1", "A1", "sample", "hidden unit", sol.A1_computed))
    output = (Answer("dW2", "∂L/∂W2", "hidden unit", "output", sol.dW2),)
    hidden = (Answer("delta1", "δ1", "sample", "hidden unit", sol.delta1_computed),
              Answer("dW1", "∂L/∂W1", "input", "hidden unit", sol.dW1))
    if kind == "forward":
        return forward
    if kind == "output":
        return (*output, Answer("db2", "∂L/∂b2", "row", "output", np.atleast_2d(sol.db2)))
    if kind == "hidden":
        return (*hidden, Answer("db1", "∂L/∂b1", "row", "hidden unit", np.atleast_2d(sol.db1)))
    if kind == "whole":
        forward = (*forward, Answer("delta2", "δ2", "sample", "output", sol.delta2))
    new = {name: np.atleast_2d(value) for name, value in updated.as_dict().items()}
    update = (Answer("W1_new", "new W1", "input", "hidden unit", new["W1"]),
              Answer("b1_new", "new b1", "row", "hidden unit", new["b1"]),
              Answer("W2_new", "new W2", "hidden unit", "output", new["W2"]),
              Answer("b2_new", "new b2", "row", "output", new["b2"]))
    if kind == "update":
        return update
    return (*forward, *output, *hidden, update[0], update[2])


def _confusable(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cell by cell: are two values too close to tell a slip from the right answer (within 1 %, or 0.0005 near
    zero)? Wider than the marking rule (backprop.tolerance) on purpose, and fixed: it decides which draws are
    thrown away, so changing it would change the problem every existing seed gives."""
    return np.abs(a - b) <= np.maximum(0.01 * np.abs(b), 5e-4)


def _degenerate(problem: Problem) -> bool:
    """A draw a person could get right by accident or could not tell apart from a slip: a zero (or nearly
    zero) entry, which sign and size slips would pass for; a square answer equal to its transpose (within 1 %),
    which a transposed product would pass for; or two equal rows or columns, which mixing up two samples, inputs
    or units would pass for."""
    for answer in problem.answers:
        value = answer.value
        if not np.isfinite(value).all() or (np.abs(value) < 1e-3).any():
            return True
        if value.shape[0] == value.shape[1] > 1 and _confusable(value.T, value).all():
            return True
        for M in (value, value.T):
            if any(_confusable(M[i], M[j]).all() for i in range(len(M)) for j in range(i)):
                return True
    return False


def make_problem(kind: str, size: Size = ASSIGNMENT_SIZE, seed: int = 0) -> Problem:
    """The practice problem of ``kind`` ("forward", "output", "hidden", "update", "whole") and ``size``
    drawn from ``seed`` (0 … 2³¹ − 1), with its solution computed by assignment.solve."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
    if not isinstance(size, Size):
        raise ValueError(f"size must be a Size; got {size!r}")
    seed = seed_value("seed", seed)
    if seed > MAX_SEED:
        raise ValueError(f"seed must be at most {MAX_SEED}; got {seed}")
    rng = np.random.default_rng([seed, list(KINDS).index(kind), size.N, size.D, size.H, size.C])
    while True:
        problem = _draw(kind, size, seed, rng)
        if not _degenerate(problem):
            return problem


def _draw(kind: str, size: Size, seed: int, rng) -> Problem:
    inputs = _draw_inputs(rng, size)
    lr, updated = None, None
    before = grads = None
    if kind == "forward":
        sol = solve(inputs, "assignment")
        givens = {"X": inputs.X, "W1": inputs.W1, "b1": inputs.b1}
    elif kind == "output":
        sol = solve(inputs, "assignment")  # A1 and δ2 are given, as in the assignment's Problem 3
        givens = {"A1": inputs.A1_given, "delta2": inputs.delta2}
    elif kind == "hidden":
        # δ2 given (as in Problem 4); the δ1 used for ∂L/∂W1 is the one the student propagates from it
        propagated = solve(inputs, "assignment").delta1_computed
        sol = solve(inputs.with_values(delta1_given=propagated), "assignment")
        givens = {"X": inputs.X, "Z1": sol.Z1, "W2": inputs.W2, "delta2": inputs.delta2}
    elif kind == "update":
        sol = solve(inputs, "assignment")
        before = Params(inputs.W1, inputs.b1, inputs.W2, inputs.b2)
        grads = _gradients(rng, {name: value.shape for name, value in before.as_dict().items()})
        lr = float(rng.choice(LEARNING_RATES))
        givens = {**before.as_dict(), **{f"d{name}": g for name, g in grads.items()}}
    else:  # the whole step, as the pages' consistent mode takes it: δ2 from the targets, then every gradient
        sol = solve(inputs, "consistent", "mse")
        before, grads = Params(inputs.W1, inputs.b1, inputs.W2, inputs.b2), sol.grads
        lr = float(rng.choice(LEARNING_RATES))
        givens = {"X": inputs.X, "W1": inputs.W1, "b1": inputs.b1, "W2": inputs.W2, "b2": inputs.b2, "y": inputs.y}
    scaled = None
    if lr is not None:
        updated = descent_step(before, grads, lr)
        # η·∂L/∂θ as the step took it (θ − θ_new), with sums that cancel to rounding noise shown as their 0
        scaled = {name: settle_rounding(getattr(before, name) - getattr(updated, name), lr * np.abs(g))
                  for name, g in grads.items()}
    else:
        before = grads = None
    return Problem(kind, size, seed, givens, _answers(kind, sol, updated), sol, lr, before, grads, scaled, updated)


def expected_and_candidates(problem: Problem, key: str) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The right matrix for answer ``key`` of ``problem`` and the common wrong ones (backprop.mistakes),
    built only from what the problem gives (no hint about values it does not show)."""
    answer = next((a for a in problem.answers if a.key == key), None)
    if answer is None:
        raise ValueError(f"{key!r} is not an answer of this {problem.kind} problem; its answers: "
                         f"{', '.join(a.key for a in problem.answers)}")
    sol, inp = problem.solution, problem.solution.inputs
    row = np.atleast_2d
    candidates = {
        "Z1": lambda: mistakes.z1_candidates(inp.X, inp.W1, inp.b1),
        "A1": lambda: mistakes.a1_candidates(sol.Z1, sol.XW1),
        "delta2": lambda: mistakes.delta2_candidates(sol.delta2_computed, sol.dA2),
        "dW2": lambda: mistakes.dW2_candidates(sol.A1, sol.delta2, X=inp.X if problem.kind == "whole" else None),
        "db2": lambda: {k: row(v) for k, v in mistakes.bias_candidates(sol.delta2).items()},
        "delta1": lambda: mistakes.delta1_candidates(sol.delta2, inp.W2, sol.Z1),
        "dW1": lambda: mistakes.dW1_candidates(inp.X, sol.delta1, delta2=sol.delta2),
        "db1": lambda: {k: row(v) for k, v in mistakes.bias_candidates(sol.delta1).items()},
    }
    if key in candidates:
        return answer.value, candidates[key]()
    name = key.removesuffix("_new")  # an updated parameter
    return answer.value, {k: np.atleast_2d(v) for k, v in mistakes.step_candidates(
        getattr(problem.before, name), problem.grads[name], problem.lr, getattr(problem.updated, name)).items()}


def check(problem: Problem, key: str, values, digits=None) -> mistakes.Diagnosis:
    """Diagnose a student's answer ``key`` to ``problem`` (see mistakes.diagnose; digits: significant digits typed)."""
    expected, candidates = expected_and_candidates(problem, key)
    return mistakes.diagnose(values, expected, candidates, digits)
