"""A page's example in its URL: one query parameter per matrix, rows split by ';', entries by ','.

    /forward-pass?X=1,1&W1=0.1,0.2;0.3,0.4&b1=0.5,0.6&mode=consistent
    /weight-update?W2=0.5,0.6;0.7,0.8&b2=0,0&y=0,1&lr=0.5&loss=bce

Besides the matrices, ``lr`` (Problem 5's learning rate) and ``loss`` (mse or bce) are plain settings.

Parsing never evaluates anything: every entry goes through the grids' parser (dashboard.parsing), the
rows must be even, the sizes must fit the problem and fit together. A parameter that cannot be used is
not applied, with a warning that names it, the row and entry and why (never echoing its text); matrices
that disagree in size are not applied at all (see inputs_from_params). Pure functions: no streamlit here.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from backprop.assignment import DEFAULT_INPUTS, DEFAULT_LR, MAX_DIM, MODES, OUTPUT_LOSSES, Inputs, solve
from backprop.update import MAX_LR
from dashboard.parsing import EntryError, canonical, parse_number

DEFAULT_LOSS = "mse"

#: URL name → Inputs field. The URL uses the assignment's symbols; A1, δ2 and δ1 are the *given* ones.
FIELDS = {"X": "X", "W1": "W1", "b1": "b1", "W2": "W2", "delta2": "delta2", "A1": "A1_given",
          "delta1": "delta1_given", "b2": "b2", "y": "y"}
#: Which sizes each matrix fixes: (rows, columns); a bias is a single row (b1 of H entries, b2 of C).
DIMS = {"X": ("N", "D"), "W1": ("D", "H"), "b1": (None, "H"), "W2": ("H", "C"), "delta2": ("N", "C"),
        "A1": ("N", "H"), "delta1": ("N", "H"), "b2": (None, "C"), "y": ("N", "C")}
#: The values the assignment supplies instead of computing them: a link may leave them out (see inputs_from_params).
DERIVED = ("A1", "delta2", "delta1")
MAX_CHARS = 400
MAX_ENTRIES = MAX_DIM * MAX_DIM
FORMAT_HINT = "numbers with ',' between entries and ';' between rows"


class ParamError(ValueError):
    """A query parameter that cannot be used; the message names it and never quotes its value."""


def parse_matrix(name: str, text: str, max_entries: int = MAX_ENTRIES, max_chars: int = MAX_CHARS) -> np.ndarray:
    """'0.1,0.2;0.3,0.4' → array([[0.1, 0.2], [0.3, 0.4]]); raises ParamError naming ``name`` (at most
    ``max_entries`` entries in ``max_chars`` characters).

    Each entry goes through dashboard.parsing.parse_number, the parser the grids use.
    """
    if not isinstance(text, str):
        raise ParamError(f"{name}: not text")
    if len(text) > max_chars:
        raise ParamError(f"{name}: longer than {max_chars} characters")
    rows = [row.split(",") for row in text.strip().split(";")]
    if sum(len(r) for r in rows) > max_entries:
        raise ParamError(f"{name}: more than {max_entries} entries")
    values = []
    for r, row in enumerate(rows, start=1):
        parsed = []
        for c, cell in enumerate(row, start=1):
            try:
                parsed.append(parse_number(cell).value)
            except EntryError as exc:
                raise ParamError(f"{name}: {_reason(exc.reason, r, c)}") from None
        values.append(parsed)
    if len({len(r) for r in values}) != 1:
        raise ParamError(f"{name}: its rows have different lengths ({', '.join(str(len(r)) for r in values)} entries)")
    return np.array(values, dtype=np.float64)


def _reason(reason: str, row: int, entry: int) -> str:
    """A refused entry's reason as a link's warning gives it: its place, never its text."""
    where = f"row {row}, entry {entry}"
    if reason.startswith(("is too large", "is beyond")):
        return f"{where} {reason.replace('64-bit float', 'float')}"
    return f"not {FORMAT_HINT} ({where} is not a number)"


def format_matrix(M) -> str:
    """The inverse of parse_matrix: each entry as the shortest text that parses back to exactly it."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    return ";".join(",".join(canonical(v) for v in row) for row in M)


@dataclass(frozen=True)
class Parsed:
    """What a URL asked for: the resulting inputs and mode, and a warning per parameter not applied."""

    inputs: Inputs
    mode: str | None
    warnings: tuple[str, ...]


def _sizes(name: str, arr: np.ndarray) -> dict[str, int]:
    """The sizes N, D, H, C that a matrix of this shape fixes."""
    row_dim, col_dim = DIMS[name]
    if row_dim is None:
        if arr.shape[0] != 1:
            raise ParamError(f"{name}: must be a single row")
        return {col_dim: arr.shape[1]}
    return {row_dim: arr.shape[0], col_dim: arr.shape[1]}


def _names(names: list[str], given: Mapping[str, np.ndarray]) -> str:
    """'the link's W1 and X (not in the link)': which matrices make a claim, and where they come from."""
    linked = [n for n in names if n in given]
    others = [n for n in names if n not in given]
    parts = ([f"the link's {', '.join(linked)}"] if linked else []) + (
        [f"{', '.join(others)} (not in the link)"] if others else [])
    return " and ".join(parts)


def inputs_from_params(params: Mapping[str, str], base: Inputs = DEFAULT_INPUTS) -> Parsed:
    """Read the matrices and mode in ``params`` onto ``base``, never inventing a number.

    A malformed parameter is not applied (a warning names it and why, without quoting it). The others are
    applied only if every matrix, given or not, agrees on the sizes N, D, H, C: a link that changes X to
    three inputs must also give a W1 with three rows. When they disagree, the warning names the parameters
    that conflict and none of the link's matrices is applied: the example stays as it was.

    The exception are the values the assignment supplies instead of computing them (A1, delta2, delta1):
    a link that changes the sizes without giving them gets them as the network computes them from the
    link's own numbers (σ(Z1), δ2 from y, the propagated δ1), so both modes show the same numbers and
    nothing is made up.
    """
    warnings: list[str] = []
    given: dict[str, np.ndarray] = {}
    for name in FIELDS:
        if name not in params:
            continue
        try:
            arr = parse_matrix(name, params[name])
            if name == "y" and ((arr < 0) | (arr > 1)).any():
                raise ParamError(f"{name}: targets must lie between 0 and 1, like a sigmoid's output")
            for dim, size in _sizes(name, arr).items():
                if size > MAX_DIM:
                    raise ParamError(f"{name}: {dim} = {size} is more than this page's limit of {MAX_DIM}")
        except ParamError as exc:
            warnings.append(f"Ignored the link's {exc}; {name} keeps its default.")
            continue
        given[name] = arr
    # Every matrix's claim on each size: the link's for the ones it gives, the example's for the rest.
    claims: dict[str, dict[int, list[str]]] = {dim: {} for dim in ("N", "D", "H", "C")}
    for name, field in FIELDS.items():
        if name in DERIVED and name not in given:
            continue  # computed from the rest if the sizes change
        arr = given.get(name, np.atleast_2d(getattr(base, field)))
        for dim, size in _sizes(name, arr).items():
            claims[dim].setdefault(size, []).append(name)
    conflicts = [f"{dim} = " + " but ".join(f"{size} in {_names(names, given)}" for size, names in found.items())
                 for dim, found in claims.items() if len(found) > 1]
    inputs = base
    if given and conflicts:
        warnings.append("The link's matrices do not fit together, so none of them was applied (the example stays "
                        "as it was): " + "; ".join(conflicts) + ". A link that changes a size must give every "
                        "matrix of that size.")
    elif given:
        dims = {dim: next(iter(found)) for dim, found in claims.items()}
        inputs = base.resized(**dims).with_values(**{FIELDS[name]: (arr.reshape(-1) if DIMS[name][0] is None else arr)
                                                     for name, arr in given.items()})
        missing = [name for name in DERIVED if name not in given]
        if dims != base.dims and missing:
            sol = solve(inputs, "consistent")
            computed = {"A1": sol.A1_computed, "delta2": sol.delta2_computed, "delta1": sol.delta1_computed}
            inputs = inputs.with_values(**{FIELDS[name]: computed[name] for name in missing})
    mode = params.get("mode")
    if mode is not None and mode not in MODES:
        warnings.append(f"Ignored the link's mode: it must be one of {', '.join(MODES)}.")
        mode = None
    return Parsed(inputs, mode, tuple(warnings))


def params_from_inputs(inputs: Inputs, mode: str, default_mode: str = "assignment") -> dict[str, str]:
    """The query parameters that reproduce ``inputs`` and ``mode`` from the defaults: only what differs.

    When the sizes differ from the assignment's, every matrix is written (a link never leaves a number to
    be made up, and a matrix of another shape than the default's could not be applied without its partners),
    except A1, delta2 and delta1 when they are what the network computes (inputs_from_params computes them).
    """
    resized = inputs.dims != DEFAULT_INPUTS.dims
    computed = {}
    if resized:  # the supplied values a link may leave out, when they are what the network computes
        sol = solve(inputs, "consistent")
        computed = {"A1": sol.A1_computed, "delta2": sol.delta2_computed, "delta1": sol.delta1_computed}
    out: dict[str, str] = {}
    for name, field in FIELDS.items():
        value = getattr(inputs, field)
        if name in computed and np.array_equal(value, computed[name]):
            continue
        if resized or not np.array_equal(value, getattr(DEFAULT_INPUTS, field)):
            out[name] = format_matrix(value)
    if mode != default_mode:
        out["mode"] = mode
    return out


# --- settings that are not matrices: the learning rate and the loss --------------------------------

#: URL name → what it sets; each is left out of the URL while it has its default.
SETTINGS = ("lr", "loss")


@dataclass(frozen=True)
class Settings:
    """What a URL asked for besides the matrices: lr (η of Problem 5) and loss; None where it says nothing."""

    lr: float | None
    loss: str | None
    warnings: tuple[str, ...]


def settings_from_params(params: Mapping[str, str]) -> Settings:
    """Read ``lr`` (a number as the grids read it, 0 < lr ≤ MAX_LR) and ``loss`` (one of OUTPUT_LOSSES) from
    ``params``; anything else is ignored with a warning that names the parameter and never quotes it."""
    warnings: list[str] = []
    lr = params.get("lr")
    if lr is not None:
        try:
            value = parse_number(lr, limit=MAX_LR).value if isinstance(lr, str) and len(lr) <= 40 else None
        except EntryError:
            value = None
        if value is None or not (0.0 < value <= MAX_LR):
            warnings.append(f"Ignored the link's lr: it must be a number above 0 and at most {MAX_LR:g}; "
                            "lr keeps its default.")
            value = None
        lr = value
    loss = params.get("loss")
    if loss is not None and loss not in OUTPUT_LOSSES:
        warnings.append(f"Ignored the link's loss: it must be one of {', '.join(OUTPUT_LOSSES)}.")
        loss = None
    return Settings(lr, loss, tuple(warnings))


def params_from_settings(lr: float, loss: str) -> dict[str, str]:
    """The query parameters for ``lr`` and ``loss``: only those that differ from the defaults."""
    out: dict[str, str] = {}
    if float(lr) != DEFAULT_LR:
        out["lr"] = canonical(lr)
    if loss != DEFAULT_LOSS:
        out["loss"] = loss
    return out
