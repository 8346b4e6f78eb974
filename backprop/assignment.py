"""Assignment 5's given values, what follows from them, and the worked problems for any inputs.

The assignment simplifies three times: it *assumes* A1 = (0.9, 0.95) although σ(Z1) = (0.832, 0.900),
it *gives* δ2 = (0.2, −0.3) without the target and loss it came from, and it *gives* δ1 = (−0.01, −0.02)
although (δ2·W2ᵀ) ∗ σ′(Z1) is different. ``solve`` works in either mode: "assignment" uses the given
values (and reproduces the solution report), "consistent" propagates every value from the inputs and a
target y: δ2 comes from running the output layer forward and differentiating the loss.
``gradient_step`` then takes the step the assignment stops short of: W ← W − η·∂L/∂W.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from backprop._checks import as_bias, as_matrix, check_inner
from backprop.activations import sigmoid, sigmoid_grad
from backprop.datasets import Dataset
from backprop.network import (
    ForwardCache,
    Params,
    bias_gradient,
    hidden_delta,
    hidden_layer_gradient,
    init_params,
    linear,
    output_delta,
    output_layer_gradient,
)
from backprop.terms import matmul_terms
from backprop.update import Descent, descend, descent_step, learning_rate, loss_value


def _const(rows) -> np.ndarray:
    arr = np.array(rows, dtype=np.float64)
    arr.setflags(write=False)
    return arr


# --- given in the assignment ----------------------------------------------------------------------
X = _const([[2.0, 3.0]])  #                    (1, 2)  input, Problems 2 and 4
W1 = _const([[0.1, 0.2], [0.3, 0.4]])  #       (2, 2)  first-layer weights, Problem 2
b1 = _const([0.5, 0.6])  #                     (2,)    first-layer bias, Problem 2
A1_GIVEN = _const([[0.9, 0.95]])  #            (1, 2)  the A1 the assignment assumes, Problem 3
DELTA2 = _const([[0.2, -0.3]])  #              (1, 2)  error at the output, Problems 3 and 4
W2 = _const([[0.5, 0.6], [0.7, 0.8]])  #       (2, 2)  second-layer weights, Problem 4
DELTA1_GIVEN = _const([[-0.01, -0.02]])  #     (1, 2)  the δ1 the assignment gives, Problem 4

# --- what follows from them -----------------------------------------------------------------------
Z1 = _const(linear(X, W1, b1))  #                                 Problem 2: (1.6, 2.2)
A1_SIGMOID = _const(sigmoid(Z1))  #                               σ(Z1) ≈ (0.832, 0.900)
DW2 = _const(output_layer_gradient(A1_GIVEN, DELTA2))  #          Problem 3, the report's answer
DW1 = _const(hidden_layer_gradient(X, DELTA1_GIVEN))  #           Problem 4, the report's answer
DELTA1_PROPAGATED = _const(hidden_delta(DELTA2, W2, Z1, "sigmoid"))  # δ1 backpropagated from the given δ2

#: A target for training the assignment's network; its signs agree with the given δ2 = (0.2, −0.3)
#: (output 1 too high, output 2 too low), so gradient descent moves the way Problems 3–4 point.
TRAIN_TARGET = _const([[0.0, 1.0]])
#: The output bias: the assignment gives none, so it starts at zero.
B2 = _const([0.0, 0.0])

#: The losses of the output layer (both over a sigmoid output); mse is the default.
OUTPUT_LOSSES = {
    "mse": "mean squared error, (1/2N)·Σ(A2 − y)²",
    "bce": "binary cross-entropy",
}
#: The learning rate of Problem 5 unless the reader changes it.
DEFAULT_LR = 0.5

MODES = {
    "assignment": "As in the assignment",
    "consistent": "Consistent (propagated from the inputs)",
}

#: The largest N, D, H or C the worked problems allow: beyond it the written-out sums stop fitting.
MAX_DIM = 4
#: The largest magnitude an entry of the worked problems may have: beyond it the sums are unreadable.
MAX_ENTRY = 1e6


@dataclass(frozen=True, eq=False)
class Inputs:
    """The inputs of Problems 2–5, for any sizes N, D, H, C.

    X (N, D), W1 (D, H), b1 (H,), W2 (H, C), the values the assignment supplies instead of computing
    them: delta2 (N, C), A1_given (N, H) and delta1_given (N, H); and what it leaves out, the output
    bias b2 (C,) (zero when not given) and the targets y (N, C), between 0 and 1 like a sigmoid's output
    (TRAIN_TARGET's pattern when not given).
    """

    X: np.ndarray
    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    delta2: np.ndarray
    A1_given: np.ndarray
    delta1_given: np.ndarray
    b2: np.ndarray | None = None
    y: np.ndarray | None = None

    def __post_init__(self):
        X_ = as_matrix("X", self.X)
        W1_ = as_matrix("W1", self.W1)
        check_inner("X", X_, "W1", W1_)
        N, H = X_.shape[0], W1_.shape[1]
        b1_ = as_bias("b1", self.b1, H, against=f"W1 has {H} columns")
        W2_ = as_matrix("W2", self.W2)
        check_inner("W1", W1_, "W2", W2_)
        C = W2_.shape[1]
        b2_ = np.zeros(C) if self.b2 is None else as_bias("b2", self.b2, C, against=f"W2 has {C} columns")
        checked = {"X": X_, "W1": W1_, "b1": b1_, "W2": W2_, "b2": b2_}
        defaults = {"y": _overlay(_PATTERN["y"], TRAIN_TARGET, (N, C))}
        for name, want in (("delta2", (N, C)), ("A1_given", (N, H)), ("delta1_given", (N, H)), ("y", (N, C))):
            value = getattr(self, name)
            arr = as_matrix(name, defaults.get(name) if value is None else value)
            if arr.shape != want:
                raise ValueError(
                    f"{name} has shape {arr.shape} but must be {want} (N={N} samples in X, "
                    f"H={H} hidden units in W1, C={C} outputs in W2)"
                )
            checked[name] = arr
        outside = (checked["y"] < 0) | (checked["y"] > 1)
        if outside.any():
            r, c = (int(i) for i in np.argwhere(outside)[0])
            raise ValueError(f"y has {checked['y'][r, c]:g} in row {r + 1}, column {c + 1} (y[{r}, {c}], shape "
                             f"{checked['y'].shape}): a sigmoid output lies between 0 and 1, so every target y "
                             "must too")
        for name, arr in checked.items():
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    @property
    def dims(self) -> dict[str, int]:
        """{"N": samples, "D": inputs, "H": hidden units, "C": outputs}."""
        return {"N": self.X.shape[0], "D": self.X.shape[1], "H": self.W1.shape[1], "C": self.W2.shape[1]}

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_values(self, **matrices) -> Inputs:
        """A copy with some matrices replaced (validated like the constructor)."""
        return replace(self, **matrices)

    def resized(self, N: int, D: int, H: int, C: int) -> Inputs:
        """The same problem grown or shrunk to N samples, D inputs, H hidden units, C outputs.

        Entries that exist in both sizes are kept; new entries come from a fixed pattern, so that
        growing, shrinking and growing again brings back the same numbers. The given A1 and δ1 are
        filled with σ(Z1) and the propagated δ1, rounded, as the assignment's own "assumed" values are.
        """
        for name, n in (("N", N), ("D", D), ("H", H), ("C", C)):
            if not (isinstance(n, (int, np.integer)) and 1 <= n <= MAX_DIM):
                raise ValueError(f"{name} must be a whole number from 1 to {MAX_DIM}; got {n!r}")
        shapes = {"X": (N, D), "W1": (D, H), "b1": (H,), "W2": (H, C), "delta2": (N, C), "b2": (C,), "y": (N, C)}
        grown = {name: _overlay(_PATTERN[name], getattr(self, name), shape) for name, shape in shapes.items()}
        Z1_new = linear(grown["X"], grown["W1"], grown["b1"])
        fill_A1 = np.round(sigmoid(Z1_new), 2)
        fill_delta1 = np.round(hidden_delta(grown["delta2"], grown["W2"], Z1_new, "sigmoid"), 3)
        grown["A1_given"] = _overlay(fill_A1, self.A1_given, (N, H))
        grown["delta1_given"] = _overlay(fill_delta1, self.delta1_given, (N, H))
        return Inputs(**grown)


def _overlay(pattern: np.ndarray, current: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``pattern`` cut to ``shape``, with ``current``'s overlapping top-left block written over it."""
    out = np.array(pattern[tuple(slice(0, s) for s in shape)], dtype=np.float64)
    overlap = tuple(slice(0, min(a, b)) for a, b in zip(shape, current.shape, strict=True))
    out[overlap] = current[overlap]
    return out


def _pattern() -> dict[str, np.ndarray]:
    """Values for entries beyond the assignment's 1×2 and 2×2 matrices: small, readable numbers."""
    rng = np.random.default_rng(5)
    m = MAX_DIM
    return {
        "X": rng.integers(-3, 5, size=(m, m)).astype(np.float64),
        "W1": np.round(rng.uniform(-0.9, 0.9, size=(m, m)), 1) + 0.0,
        "b1": np.round(rng.uniform(-0.9, 0.9, size=m), 1) + 0.0,
        "W2": np.round(rng.uniform(-0.9, 0.9, size=(m, m)), 1) + 0.0,
        "delta2": np.round(rng.uniform(-0.5, 0.5, size=(m, m)), 1) + 0.0,
        "b2": np.zeros(m),  # the assignment's b2 is zero, and so is every new output's
        "y": rng.integers(0, 2, size=(m, m)).astype(np.float64),  # 0/1 targets: right for mse and bce
    }


_PATTERN = _pattern()

DEFAULT_INPUTS = Inputs(X, W1, b1, W2, DELTA2, A1_GIVEN, DELTA1_GIVEN, b2=B2, y=TRAIN_TARGET)


@dataclass(frozen=True, eq=False)
class Solution:
    """Every intermediate of Problems 2–4 in one mode.

    Names follow one rule for the three values the assignment supplies instead of computing (A1, δ2, δ1): the bare
    name (``A1``, ``delta2``, ``delta1``) is the value used downstream in this mode; ``<name>_computed`` is what the
    network computes from the inputs (σ(Z1), δ2 from the target y, δ1 propagated from δ2), the same in both modes;
    ``inputs.<name>_given`` is the assignment's value; ``<name>_gap`` is given − computed.

    Forward, hidden layer:
    - XW1 = X·W1 (N, H), before the bias; Z1 = XW1 + b1 (N, H)
    - exp_neg_Z1 = e^(−Z1) (N, H), for writing σ(z) = 1 / (1 + e^(−z)) out; A1_computed = σ(Z1) (N, H)
    - A1: the A1 used downstream (given, or σ(Z1)); A1_gap = A1_given − σ(Z1)
    Forward, output layer, always from A1 = σ(Z1) (the network's real forward pass, in both modes):
    - A1W2 = σ(Z1)·W2 (N, C); Z2 = A1W2 + b2; A2 = σ(Z2) (N, C)
    - loss: "mse" or "bce"; L: the loss of A2 against y (a mean over the N samples)
    - A2_minus_y = A2 − y (N, C); one_minus_A2 = 1 − A2 (N, C); loss_terms (N, C) and loss_divisor, with
      L = loss_terms.sum() / loss_divisor ((A2 − y)² over 2N for mse, see losses.loss_terms)
    - dA2 = ∂L/∂A2 (N, C); sigma_prime2 = σ′(Z2) (N, C); delta2_computed = dA2 ∗ σ′(Z2) = ∂L/∂Z2 (N, C)
    - delta2: the δ2 used downstream (given, or computed); delta2_gap = delta2_given − delta2_computed
    Backward:
    - dW2 = A1ᵀ·delta2 (H, C); db2 = Σₙ delta2 (C,)
    - dA1 = delta2·W2ᵀ = ∂L/∂A1 (N, H), the error arriving at the hidden activations
    - one_minus_A1_computed = 1 − σ(Z1); sigma_prime = σ′(Z1) = σ(Z1)(1 − σ(Z1))
    - delta1_computed = dA1 ∗ sigma_prime (N, H); delta1_gap = delta1_given − delta1_computed
    - delta1: the δ1 used downstream (given, or computed); dW1 = Xᵀ·delta1 (D, H); db1 = Σₙ delta1 (H,)
    - *_terms: the summands of each product, terms[r, s, k] (see backprop.terms.matmul_terms):
      XW1_terms (N, H, D), A1W2_terms (N, C, H), dW2_terms (H, C, N), dA1_terms (N, H, C), dW1_terms (D, H, N)
    """

    mode: str
    inputs: Inputs
    XW1: np.ndarray
    Z1: np.ndarray
    exp_neg_Z1: np.ndarray
    A1_computed: np.ndarray
    A1: np.ndarray
    A1_gap: np.ndarray
    dW2: np.ndarray
    dA1: np.ndarray
    one_minus_A1_computed: np.ndarray
    sigma_prime: np.ndarray
    delta1_computed: np.ndarray
    delta1_gap: np.ndarray
    delta1: np.ndarray
    dW1: np.ndarray
    XW1_terms: np.ndarray
    dW2_terms: np.ndarray
    dA1_terms: np.ndarray
    dW1_terms: np.ndarray
    loss: str
    A1W2: np.ndarray
    A1W2_terms: np.ndarray
    Z2: np.ndarray
    A2: np.ndarray
    L: float
    dA2: np.ndarray
    sigma_prime2: np.ndarray
    delta2_computed: np.ndarray
    delta2: np.ndarray
    delta2_gap: np.ndarray
    db2: np.ndarray
    db1: np.ndarray
    A2_minus_y: np.ndarray
    one_minus_A2: np.ndarray
    loss_terms: np.ndarray
    loss_divisor: float

    @property
    def grads(self) -> dict[str, np.ndarray]:
        """This mode's gradients keyed like Params: {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}."""
        return {"W1": self.dW1, "b1": self.db1, "W2": self.dW2, "b2": self.db2}


def settle_rounding(value: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``value`` with entries that are rounding noise set to 0.

    A sum such as 0.1 + 0.2 − 0.3 is 5.6e-17 in float64, not 0. An entry no larger than a few hundred
    units in the last place of ``scale`` (the sum of the magnitudes of what was added up) is noise, so
    a worked solution shows 0 there instead of a number nobody computed by hand.
    """
    value = np.asarray(value, dtype=np.float64)
    return np.where(np.abs(value) <= 256 * np.finfo(np.float64).eps * np.abs(scale), 0.0, value)


def _product(terms: np.ndarray, extra=0.0) -> np.ndarray:
    """Σₖ terms[..., k] + extra, with rounding noise settled against the sizes of the summands."""
    return settle_rounding(terms.sum(axis=-1) + extra, np.abs(terms).sum(axis=-1) + np.abs(extra))


def _check_loss(loss: str) -> str:
    if loss not in OUTPUT_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(OUTPUT_LOSSES)}")
    return loss


def solve(inputs: Inputs = DEFAULT_INPUTS, mode: str = "assignment", loss: str = "mse") -> Solution:
    """Work Problems 2–4 on ``inputs``: "assignment" mode uses the given A1, δ2 and δ1, "consistent"
    mode uses σ(Z1), the δ2 the output layer and ``loss`` ("mse" or "bce") give for the targets y, and the
    propagated δ1."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose one of: {', '.join(MODES)}")
    _check_loss(loss)
    XW1_terms = matmul_terms(inputs.X, inputs.W1, names=("X", "W1"))
    XW1 = _product(XW1_terms)
    # Z1 = X·W1 + b1 (linear), with sums that cancel to rounding noise shown as the 0 they are
    Z1_ = settle_rounding(linear(inputs.X, inputs.W1, inputs.b1, names=("X", "W1", "b1")),
                          np.abs(XW1_terms).sum(axis=-1) + np.abs(inputs.b1))
    with np.errstate(over="ignore"):  # e^(−z) is only written out; σ itself is computed stably
        exp_neg_Z1 = np.exp(-Z1_)
    A1_computed = sigmoid(Z1_)
    A1 = inputs.A1_given if mode == "assignment" else A1_computed
    # the output layer, run forward from the real A1 = σ(Z1), and the δ2 its loss sends back
    A1W2_terms = matmul_terms(A1_computed, inputs.W2, names=("A1", "W2"))
    out = output_delta(A1_computed, inputs.W2, inputs.b2, inputs.y, loss)
    delta2 = inputs.delta2 if mode == "assignment" else out.delta2
    dW2_terms = matmul_terms(A1.T, delta2, names=("A1ᵀ", "delta2"))
    dW2 = settle_rounding(output_layer_gradient(A1, delta2), np.abs(dW2_terms).sum(axis=-1))
    dA1_terms = matmul_terms(delta2, inputs.W2.T, names=("delta2", "W2ᵀ"))
    dA1 = _product(dA1_terms)
    sigma_prime = sigmoid_grad(Z1_)
    delta1_computed = settle_rounding(hidden_delta(delta2, inputs.W2, Z1_, "sigmoid"),
                                        np.abs(dA1_terms).sum(axis=-1) * sigma_prime)
    delta1 = inputs.delta1_given if mode == "assignment" else delta1_computed
    dW1_terms = matmul_terms(inputs.X.T, delta1, names=("Xᵀ", "delta1"))
    dW1 = settle_rounding(hidden_layer_gradient(inputs.X, delta1), np.abs(dW1_terms).sum(axis=-1))
    return Solution(
        mode, inputs, XW1, Z1_, exp_neg_Z1, A1_computed, A1,
        A1_gap=settle_rounding(inputs.A1_given - A1_computed, np.abs(inputs.A1_given) + A1_computed),
        dW2=dW2,
        dA1=dA1,
        one_minus_A1_computed=1.0 - A1_computed,
        sigma_prime=sigma_prime,
        delta1_computed=delta1_computed,
        delta1_gap=settle_rounding(inputs.delta1_given - delta1_computed,
                                   np.abs(inputs.delta1_given) + np.abs(delta1_computed)),
        delta1=delta1,
        dW1=dW1,
        XW1_terms=XW1_terms,
        dW2_terms=dW2_terms,
        dA1_terms=dA1_terms,
        dW1_terms=dW1_terms,
        loss=loss,
        A1W2=_product(A1W2_terms),
        A1W2_terms=A1W2_terms,
        Z2=out.Z2,
        A2=out.A2,
        L=out.value,
        dA2=out.dA2,
        sigma_prime2=out.sigma_prime,
        delta2_computed=out.delta2,
        delta2=delta2,
        delta2_gap=settle_rounding(inputs.delta2 - out.delta2, np.abs(inputs.delta2) + np.abs(out.delta2)),
        db2=settle_rounding(bias_gradient(delta2, name="delta2"), np.abs(delta2).sum(axis=0)),
        db1=settle_rounding(bias_gradient(delta1, name="delta1"), np.abs(delta1).sum(axis=0)),
        A2_minus_y=settle_rounding(out.error, out.A2 + np.abs(inputs.y)),
        one_minus_A2=1.0 - out.A2,
        loss_terms=out.terms,
        loss_divisor=out.divisor,
    )


def training_example(hidden_units: int = 2, seed: int = 0, scale: float = 1.0) -> tuple[Dataset, Params]:
    """The assignment's single sample X = (2, 3) with TRAIN_TARGET, and starting params.

    With 2 hidden units the network is the assignment's own: W1, b1, W2 as given and b2 = 0.
    With any other width the weights are drawn by init_params(2, hidden_units, 2, seed, scale).
    """
    data = Dataset("assignment", np.array(X), np.array(TRAIN_TARGET))
    if hidden_units == W1.shape[1]:
        return data, Params(W1, b1, W2, np.zeros(W2.shape[1]))
    return data, init_params(X.shape[1], hidden_units, W2.shape[1], seed=seed, scale=scale)


@dataclass(frozen=True, eq=False)
class Comparison:
    """One quantity in both modes: the assignment's value, the consistent one, and their difference."""

    name: str
    assignment: np.ndarray
    consistent: np.ndarray
    difference: np.ndarray


def compare_modes(inputs: Inputs | Solution = DEFAULT_INPUTS, loss: str = "mse") -> dict[str, Comparison]:
    """A1, δ2, ∂L/∂W2, ∂L/∂b2, δ1, ∂L/∂W1 and ∂L/∂b1 as the assignment has them and as backprop
    propagates them (δ2 from the targets y and ``loss``).

    - inputs: the example, or a Solution of it in either mode (then only the other mode is solved, with its loss)
    Keys "A1", "delta2", "dW2", "db2", "delta1", "dW1", "db1"; difference = assignment − consistent.
    """
    if isinstance(inputs, Solution):
        other = solve(inputs.inputs, "consistent" if inputs.mode == "assignment" else "assignment", inputs.loss)
        given, propagated = (inputs, other) if inputs.mode == "assignment" else (other, inputs)
    else:
        given, propagated = solve(inputs, "assignment", loss), solve(inputs, "consistent", loss)
    out = {}
    for name in ("A1", "delta2", "dW2", "db2", "delta1", "dW1", "db1"):
        a, c = getattr(given, name), getattr(propagated, name)
        out[name] = Comparison(name, a, c, settle_rounding(a - c, np.abs(a) + np.abs(c)))
    return out


# --- Problem 5: one step of gradient descent --------------------------------------------------------


def params_of(inputs: Inputs) -> Params:
    """The network's parameters in ``inputs``: W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)."""
    return Params(inputs.W1, inputs.b1, inputs.W2, inputs.b2)


@dataclass(frozen=True, eq=False)
class Update:
    """One step of gradient descent from the example of ``sol``, with the gradients of sol's mode.

    - sol: the Solution whose gradients the step uses; lr: η
    - before, after: Params before and after the step
    - grads: {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}, sol's; scaled: η·grad for each
    - loss_before, loss_after: L of before and after on (X, y), each by a full forward pass with A1 = σ(Z1)
      (in both modes: the assignment's assumed A1 is no network's real activation)
    - forward_before, forward_after: those forward passes (Z1, A1 (N, H), Z2, A2 (N, C))
    """

    sol: Solution
    lr: float
    before: Params
    grads: dict[str, np.ndarray]
    scaled: dict[str, np.ndarray]
    after: Params
    loss_before: float
    loss_after: float
    forward_before: ForwardCache
    forward_after: ForwardCache

    @property
    def mode(self) -> str:
        return self.sol.mode

    @property
    def inputs(self) -> Inputs:
        return self.sol.inputs

    @property
    def change(self) -> float:
        """loss_after − loss_before: negative when the step lowered the loss."""
        return self.loss_after - self.loss_before


def gradient_step(sol: Solution, lr: float = DEFAULT_LR) -> Update:
    """θ ← θ − η·∂L/∂θ for W1, b1, W2 and b2 of ``sol``'s example, with ``sol``'s gradients, and the loss
    before and after by a forward pass each (lr: η, finite, > 0)."""
    lr = learning_rate(lr)
    before = params_of(sol.inputs)
    grads = sol.grads
    after = descent_step(before, grads, lr)
    scaled = {name: settle_rounding(getattr(before, name) - getattr(after, name), lr * np.abs(g))
              for name, g in grads.items()}
    loss_before, forward_before = loss_value(before, sol.inputs.X, sol.inputs.y, sol.loss)
    loss_after, forward_after = loss_value(after, sol.inputs.X, sol.inputs.y, sol.loss)
    return Update(sol, lr, before, grads, scaled, after, loss_before, loss_after, forward_before, forward_after)


def more_steps(update: Update, steps: int) -> Descent:
    """``steps`` further steps of gradient descent after ``update``, each with the gradients backprop gives at
    the current parameters (the assignment's given values belong to its starting point only); losses[0] is
    update.loss_after."""
    inp = update.inputs
    return descend(update.after, inp.X, inp.y, update.lr, steps, update.sol.loss)
