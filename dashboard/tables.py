"""Matrices as labelled DataFrames for st.data_editor, and back through the one parser, with a message for
every refused cell.

Pure pandas/numpy: no streamlit here, so the validation is tested directly.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from backprop.gradcheck import interpret_rel_error
from dashboard.figures import axis_labels
from dashboard.parsing import canonical, is_blank, parse_grid


def to_frame(M, row_name: str, col_name: str) -> pd.DataFrame:
    """A float64 DataFrame of the 2-D matrix M (a 1-D M is one row), labelled "sample 1", "input 1"…"""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    return pd.DataFrame(M, index=axis_labels(row_name, M.shape[0]), columns=axis_labels(col_name, M.shape[1]))


def to_text_frame(M, row_name: str, col_name: str) -> pd.DataFrame:
    """The matrix M as text for an editor's text columns: each entry as the shortest text that parses back to
    exactly it (0.1, 2, 1e-05), and "" where M is NaN (an answer cell not yet filled in)."""
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    text = [["" if np.isnan(v) else canonical(v) for v in row] for row in M]
    return pd.DataFrame(text, index=axis_labels(row_name, M.shape[0]), columns=axis_labels(col_name, M.shape[1]),
                        dtype=object)


@dataclass(frozen=True, eq=False)
class Typed:
    """What a grid holds, read through the one parser (dashboard.parsing).

    - values: the matrix, or None while any cell is refused or empty
    - digits: significant digits typed per cell (0 where nothing usable was typed)
    - problems: one message per refused cell (matrix, row, column, what was typed, why)
    - blank: True per cell where nothing has been typed
    """

    values: np.ndarray | None
    digits: np.ndarray
    problems: list[str]
    blank: np.ndarray


def read_frame(name: str, frame: pd.DataFrame) -> Typed:
    """Every cell of an edited grid through parse_number."""
    cells = frame.to_numpy(dtype=object)
    values, digits, problems = parse_grid(name, cells, list(frame.index), list(frame.columns))
    blank = np.array([[is_blank(v) for v in row] for row in cells], dtype=bool).reshape(frame.shape)
    return Typed(values, digits, problems, blank)


def from_frame(name: str, frame: pd.DataFrame) -> tuple[np.ndarray | None, list[str]]:
    """The matrix in an edited DataFrame, or None and one message per bad cell naming it."""
    typed = read_frame(name, frame)
    return typed.values, typed.problems


def rel_error_frame(errors: dict[str, float], bands: dict | None = None) -> pd.DataFrame:
    """One row per parameter: its relative error, a one-word verdict and cs231n's reading (``bands``, e.g.
    GradientCheck.bands, or the plain bands of interpret_rel_error)."""
    bands = bands or {name: interpret_rel_error(err) for name, err in errors.items()}
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


def layer_norms_frame(norms) -> pd.DataFrame:
    """A deep stack's gradient norm per layer (layer 1 nearest the input, the output layer last), as the bar
    chart shows them."""
    norms = list(norms)
    labels = [f"layer {i + 1}" for i in range(len(norms) - 1)] + ["output"]
    return pd.DataFrame({"layer": labels, "‖∂L/∂W‖": [f"{v:.3g}" for v in norms]})


def derivative_check_frame(z, analytic, numerical) -> pd.DataFrame:
    """An activation's derivative at each z, by its formula and by centred differences, as the chart shows them."""
    return pd.DataFrame({"z": [f"{v:.2f}" for v in z], "analytic f′(z)": [f"{v:.6g}" for v in analytic],
                         "centred difference": [f"{v:.6g}" for v in numerical]})


def curves_frame(c, rows: int = 51) -> pd.DataFrame:
    """A training run's curves (backprop.reading.Curves) as a table, at up to ``rows`` epochs spread evenly from
    the first to the last: the losses, the accuracies (the ones the run has) and ‖∂L/∂W_l‖ per layer."""
    picked = np.unique(np.linspace(0, len(c.epochs) - 1, min(rows, len(c.epochs))).round().astype(int))
    columns = {"epoch": c.epochs[picked]}
    for name, series in (("training loss", c.train_loss), ("test loss", c.test_loss),
                         ("training accuracy", c.train_accuracy), ("test accuracy", c.test_accuracy)):
        if series is not None:
            columns[name] = series[picked]
    for name, series in c.grad_norms.items():
        columns[f"‖∂L/∂{name}‖"] = series[picked]
    return pd.DataFrame(columns)
