"""A page's example in its URL: one query parameter per matrix, rows split by ';', entries by ','.

    /forward-pass?X=1,1&W1=0.1,0.2;0.3,0.4&b1=0.5,0.6&mode=consistent
    /weight-update?W2=0.5,0.6;0.7,0.8&b2=0,0&y=0,1&lr=0.5&loss=bce

Besides the matrices, ``lr`` (Problem 5's learning rate) and ``loss`` (mse or bce) are plain settings.

Parsing never evaluates anything: a value is accepted only if every entry matches a plain decimal
number, the rows are even, the sizes fit the problem and the numbers are finite and moderate. Anything
else is ignored with a warning that names the parameter (never echoing its text), and that matrix
keeps its default. Pure functions: no streamlit here.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from backprop.assignment import DEFAULT_INPUTS, DEFAULT_LR, MAX_DIM, MAX_ENTRY, MODES, OUTPUT_LOSSES, Inputs
from backprop.update import MAX_LR

DEFAULT_LOSS = "mse"

#: URL name → Inputs field. The URL uses the assignment's symbols; A1, δ2 and δ1 are the *given* ones.
FIELDS = {"X": "X", "W1": "W1", "b1": "b1", "W2": "W2", "delta2": "delta2", "A1": "A1_given",
          "delta1": "delta1_given", "b2": "b2", "y": "y"}
#: Which sizes each matrix fixes: (rows, columns); a bias is a single row (b1 of H entries, b2 of C).
DIMS = {"X": ("N", "D"), "W1": ("D", "H"), "b1": (None, "H"), "W2": ("H", "C"), "delta2": ("N", "C"),
        "A1": ("N", "H"), "delta1": ("N", "H"), "b2": (None, "C"), "y": ("N", "C")}
MAX_CHARS = 400
MAX_ENTRIES = MAX_DIM * MAX_DIM
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
FORMAT_HINT = "numbers with ',' between entries and ';' between rows"


class ParamError(ValueError):
    """A query parameter that cannot be used; the message names it and never quotes its value."""


def parse_matrix(name: str, text: str) -> np.ndarray:
    """'0.1,0.2;0.3,0.4' → array([[0.1, 0.2], [0.3, 0.4]]); raises ParamError naming ``name``."""
    if not isinstance(text, str):
        raise ParamError(f"{name}: not text")
    if len(text) > MAX_CHARS:
        raise ParamError(f"{name}: longer than {MAX_CHARS} characters")
    rows = [row.split(",") for row in text.strip().split(";")]
    if sum(len(r) for r in rows) > MAX_ENTRIES:
        raise ParamError(f"{name}: more than {MAX_ENTRIES} entries")
    values = []
    for row in rows:
        cells = [c.strip() for c in row]
        if not all(_NUMBER.fullmatch(c) for c in cells):
            raise ParamError(f"{name}: not {FORMAT_HINT}")
        values.append([float(c) for c in cells])
    if len({len(r) for r in values}) != 1:
        raise ParamError(f"{name}: its rows have different lengths")
    arr = np.array(values, dtype=np.float64)
    if not np.isfinite(arr).all():
        raise ParamError(f"{name}: a value is too large for a float")
    if np.abs(arr).max() > MAX_ENTRY:
        raise ParamError(f"{name}: a value is beyond ±{MAX_ENTRY:,.0f}")
    return arr


def format_matrix(M) -> str:
    """The inverse of parse_matrix: up to 12 significant digits, so round trips are exact for typed numbers."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    return ";".join(",".join(format(float(v) + 0.0, ".12g") for v in row) for row in M)


@dataclass(frozen=True)
class Parsed:
    """What a URL asked for: the resulting inputs and mode, and a warning per ignored parameter."""

    inputs: Inputs
    mode: str | None
    warnings: tuple[str, ...]


def inputs_from_params(params: Mapping[str, str], base: Inputs = DEFAULT_INPUTS) -> Parsed:
    """Read the matrices and mode in ``params`` onto ``base``.

    Matrices are taken in the order X, W1, b1, W2, delta2, A1, delta1, b2, y; each fixes sizes (N, D, H, C)
    and one that contradicts sizes fixed before it is ignored. Sizes that no accepted matrix fixes
    keep ``base``'s; matrices the URL does not give are ``base``'s, resized.
    """
    warnings: list[str] = []
    accepted: dict[str, np.ndarray] = {}
    fixed: dict[str, tuple[int, str]] = {}
    for name in FIELDS:
        if name not in params:
            continue
        try:
            arr = parse_matrix(name, params[name])
            row_dim, col_dim = DIMS[name]
            if row_dim is None:
                if arr.shape[0] != 1:
                    raise ParamError(f"{name}: must be a single row")
                sizes = {col_dim: arr.shape[1]}
            else:
                sizes = {row_dim: arr.shape[0], col_dim: arr.shape[1]}
            if name == "y" and ((arr < 0) | (arr > 1)).any():
                raise ParamError(f"{name}: targets must lie between 0 and 1, like a sigmoid's output")
            for dim, size in sizes.items():
                if size > MAX_DIM:
                    raise ParamError(f"{name}: {dim} = {size} is more than this page's limit of {MAX_DIM}")
                if dim in fixed and fixed[dim][0] != size:
                    raise ParamError(f"{name}: {dim} = {size} contradicts {dim} = {fixed[dim][0]} from {fixed[dim][1]}")
        except ParamError as exc:
            warnings.append(f"Ignored the link's {exc}; {name} keeps its default.")
            continue
        for dim, size in sizes.items():
            fixed.setdefault(dim, (size, name))
        accepted[name] = arr
    dims = base.dims | {dim: size for dim, (size, _) in fixed.items()}
    inputs = base.resized(**dims)
    if accepted:
        values = {FIELDS[name]: (arr.reshape(-1) if DIMS[name][0] is None else arr) for name, arr in accepted.items()}
        inputs = inputs.with_values(**values)
    mode = params.get("mode")
    if mode is not None and mode not in MODES:
        warnings.append(f"Ignored the link's mode: it must be one of {', '.join(MODES)}.")
        mode = None
    return Parsed(inputs, mode, tuple(warnings))


def params_from_inputs(inputs: Inputs, mode: str, default_mode: str = "assignment") -> dict[str, str]:
    """The query parameters that reproduce ``inputs`` and ``mode`` from the defaults: only what differs.

    When the sizes differ from the assignment's, X, W1 and W2 are always written, because together
    they fix N, D, H and C.
    """
    reference = DEFAULT_INPUTS.resized(**inputs.dims)
    resized = inputs.dims != DEFAULT_INPUTS.dims
    out: dict[str, str] = {}
    for name, field in FIELDS.items():
        value = getattr(inputs, field)
        if (resized and name in ("X", "W1", "W2")) or not np.array_equal(value, getattr(reference, field)):
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
    """Read ``lr`` (a plain decimal number, 0 < lr ≤ MAX_LR) and ``loss`` (one of OUTPUT_LOSSES) from
    ``params``; anything else is ignored with a warning that names the parameter and never quotes it."""
    warnings: list[str] = []
    lr = params.get("lr")
    if lr is not None:
        text = lr.strip() if isinstance(lr, str) else ""
        value = float(text) if len(text) <= 40 and _NUMBER.fullmatch(text) else None
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
        out["lr"] = format(float(lr), ".12g")
    if loss != DEFAULT_LOSS:
        out["loss"] = loss
    return out
