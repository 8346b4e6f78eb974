"""Input checks shared by the public entry points: turn bad input into a ValueError that names it."""
from __future__ import annotations

import math

import numpy as np


def to_float_array(name: str, value) -> np.ndarray:
    try:
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain only numbers ({exc})") from None
    return arr


def require_finite(name: str, arr: np.ndarray) -> np.ndarray:
    """Raise if any entry of ``arr`` is NaN or ±inf, naming the first bad position."""
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        where = f"[{', '.join(map(str, index))}]" if index else ""
        raise ValueError(
            f"{name} has a non-finite value ({arr[index]}) at {name}{where}; "
            f"shape {arr.shape}. Every entry must be a finite number."
        )
    return arr


def as_matrix(name: str, value, *, cols: int | None = None) -> np.ndarray:
    """A finite float64 copy of ``value`` with shape (rows, cols).

    A 1-D input is read as a single row (1, n), as the assignment writes X = (2 3).
    """
    arr = to_float_array(name, value)
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array with one row per sample; got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if cols is not None and arr.shape[1] != cols:
        raise ValueError(f"{name} has shape {arr.shape} but must have {cols} columns")
    return require_finite(name, arr)


def as_bias(name: str, value, size: int, *, against: str) -> np.ndarray:
    """A finite float64 bias of shape (size,); a (1, size) row is accepted and flattened."""
    arr = to_float_array(name, value)
    if arr.ndim == 2 and arr.shape[0] == 1:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must have shape ({size},) or (1, {size}); got shape {arr.shape}")
    if arr.shape[0] != size:
        raise ValueError(
            f"{name} has {arr.shape[0]} entries (shape {arr.shape}) but {against}: it needs {size}"
        )
    return require_finite(name, arr)


def check_inner(left_name: str, left: np.ndarray, right_name: str, right: np.ndarray) -> None:
    """Raise unless ``left @ right`` is defined: left's columns must equal right's rows."""
    if left.shape[1] != right.shape[0]:
        raise ValueError(
            f"{right_name} has shape {right.shape} but {left_name} has {left.shape[1]} columns "
            f"(shape {left.shape}): {right_name} needs {left.shape[1]} rows"
        )


def check_same_rows(a_name: str, a: np.ndarray, b_name: str, b: np.ndarray) -> None:
    """Raise unless ``a`` and ``b`` have one row per sample each, the same N."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{a_name} has {a.shape[0]} rows (shape {a.shape}) but {b_name} has {b.shape[0]} "
            f"(shape {b.shape}): both need one row per sample"
        )


def check_same_shape(a_name: str, a: np.ndarray, b_name: str, b: np.ndarray) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{a_name} has shape {a.shape} but {b_name} has shape {b.shape}: they must match")


def positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value}")
    return int(value)


def finite_float(name: str, value, *, minimum: float | None = None, strict: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number; got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number; got {x}")
    if minimum is not None and (x <= minimum if strict else x < minimum):
        relation = "greater than" if strict else "at least"
        raise ValueError(f"{name} must be {relation} {minimum}; got {x}")
    return x


def seed_value(name: str, value) -> int:
    """A seed for numpy's default_rng: a non-negative whole number."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name} must be a non-negative whole number; got {value!r}")
    return int(value)
