"""Matrices as labelled DataFrames for st.data_editor, and back, with a message for every bad cell.

Pure pandas/numpy: no streamlit here, so the validation is tested directly.
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from backprop.assignment import MAX_ENTRY
from backprop.gradcheck import interpret_rel_error
from dashboard.figures import axis_labels


def to_frame(M, row_name: str, col_name: str) -> pd.DataFrame:
    """A float64 DataFrame of the 2-D matrix M (a 1-D M is one row), labelled "sample 1", "input 1"…"""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    return pd.DataFrame(M, index=axis_labels(row_name, M.shape[0]), columns=axis_labels(col_name, M.shape[1]))


def _cell_problem(value) -> str | None:
    """Why ``value`` cannot be used as a matrix entry, or None if it can."""
    if value is None or value is pd.NA:
        return "is empty: type a number"
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, str)):
        return "is not a number"
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            return "is not a number"
    value = float(value)
    if math.isnan(value):
        return "is empty or not a number"
    if math.isinf(value):
        return "is too large for a 64-bit float"
    if abs(value) > MAX_ENTRY:
        return f"is beyond ±{MAX_ENTRY:,.0f}, too large to write the sums out"
    return None


def from_frame(name: str, frame: pd.DataFrame) -> tuple[np.ndarray | None, list[str]]:
    """The matrix in an edited DataFrame, or None and one message per bad cell naming it."""
    problems = []
    values = np.empty(frame.shape, dtype=np.float64)
    for r, row_label in enumerate(frame.index):
        for c, col_label in enumerate(frame.columns):
            raw = frame.iat[r, c]
            problem = _cell_problem(raw)
            if problem:
                problems.append(f"{name}, row {r + 1} ({row_label}), column {c + 1} ({col_label}) {problem}.")
            else:
                values[r, c] = float(raw)
    return (None if problems else values), problems


def rel_error_frame(errors: dict[str, float]) -> pd.DataFrame:
    """One row per parameter: its relative error, a one-word verdict and cs231n's reading."""
    bands = {name: interpret_rel_error(err) for name, err in errors.items()}
    return pd.DataFrame([(name, err, bands[name].label, bands[name].text) for name, err in errors.items()],
                        columns=["parameter", "relative error", "verdict", "reading (cs231n)"])


def gradient_entries_frame(check, name: str) -> pd.DataFrame:
    """Every entry of parameter ``name``'s gradient in a GradientCheck: backprop's value, the centred difference
    and their difference, one row each (entries labelled 1-based, as the worked solutions write them)."""
    analytic, numerical, difference = check.analytic[name], check.numerical[name], check.differences[name]
    return pd.DataFrame(
        [(f"{name}[{', '.join(str(i + 1) for i in index)}]", analytic[index], numerical[index], difference[index])
         for index in np.ndindex(analytic.shape)],
        columns=["entry", "backprop", "centred difference", "backprop − centred difference"])


def rel_error_bands_frame() -> pd.DataFrame:
    """cs231n's bands for a relative error and what each usually means."""
    return pd.DataFrame([(band, interpret_rel_error(value).text) for band, value in
                         (("> 1e-2", 1.0), ("1e-4 … 1e-2", 1e-3), ("1e-7 … 1e-4", 1e-5), ("< 1e-7", 1e-9))],
                        columns=["relative error", "what it usually means"])
