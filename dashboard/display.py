"""Drawing numbers: math, tables of matrices, heatmaps and the cell picker a heatmap click sets.

Thin Streamlit wrappers over the pure builders in ``figures``, ``tables`` and ``latex``.
"""
from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import streamlit as st

from dashboard import figures
from dashboard.tables import rel_error_frame, to_frame


def latex(equation: str, *, size: str = r"\large") -> None:
    st.latex(f"{size} {equation}")


def latex_screens(wide: str, phone: str, *, key: str) -> None:
    """One equation in the layouts of a wide screen and of a phone (steps.for_screen_sizes), each in a container the
    page's stylesheet shows on its screen only; once when the two are the same."""
    if wide == phone:
        latex(wide)
        return
    for form, equation in (("wide", wide), ("phone", phone)):
        with st.container(key=f"{form}-form-{key}"):
            latex(equation)


def latex_row(parts, *, size: str = r"\large") -> None:
    """Equations side by side that wrap onto the next line where the screen is narrow (a phone), each whole."""
    with st.container(horizontal=True, wrap=True, gap="large"):
        for part in parts:
            st.latex(f"{size} {part}", width="content")


def show_table(M, *, row_name: str, col_name: str) -> None:
    frame = to_frame(M, row_name, col_name)
    st.dataframe(frame, width="content",
                 column_config={c: st.column_config.NumberColumn(c, format="%.4g") for c in frame.columns})


def rel_error_table(errors: dict[str, float], bands: dict | None = None) -> None:
    """Relative error per parameter with cs231n's reading of it (a plain table: its sentences wrap)."""
    frame = rel_error_frame(errors, bands)
    frame["relative error"] = [f"{e:.2e}" for e in frame["relative error"]]
    st.table(frame, hide_index=True)


def _pick_clicked_cell(chart_key: str, picker_key: str) -> None:
    """A click on a heatmap cell sets the cell picker below it to that cell."""
    cell = figures.cell_from_selection(st.session_state.get(chart_key))
    if cell is not None:
        st.session_state[f"{picker_key}_row"], st.session_state[f"{picker_key}_col"] = cell


def heatmap(M, *, title: str, row_name: str, col_name: str, symbol: str, key: str,
            highlight: Sequence[tuple[int, int]] = (), compact: bool = False, picker: str | None = None,
            height: int | None = None, scale: float = 1.0, theme: str = "light") -> None:
    """A matrix heatmap; with ``picker`` (a cell_picker's key), clicking a cell opens that entry; ``scale`` and
    ``theme``: presenter mode's text size and theme."""
    fig = figures.matrix_heatmap(M, title=title, row_name=row_name, col_name=col_name, symbol=symbol,
                                 highlight=highlight, compact=compact, clickable=picker is not None, height=height,
                                 scale=scale, theme=theme)
    if picker is None:
        st.plotly_chart(fig, key=key, config={"displayModeBar": False}, width="stretch")
    else:
        st.plotly_chart(fig, key=key, config={"displayModeBar": False}, width="stretch",
                        on_select=partial(_pick_clicked_cell, key, picker), selection_mode="points")


def show_result(M, *, title: str, row_name: str, col_name: str, symbol: str, key: str,
                highlight: Sequence[tuple[int, int]] = (), picker: str | None = None) -> None:
    """A result matrix as a heatmap with the numbers in a table beneath it."""
    heatmap(M, title=title, row_name=row_name, col_name=col_name, symbol=symbol, key=key, highlight=highlight,
            picker=picker)
    show_table(M, row_name=row_name, col_name=col_name)


def cell_picker(label: str, shape: tuple[int, int], row_name: str, col_name: str, key: str) -> tuple[int, int]:
    """Two selectors for one entry (row, column); returns it 0-based."""
    c1, c2 = st.columns(2)
    r = c1.selectbox(f"{label}: {row_name}", range(shape[0]), format_func=lambda i: f"{row_name} {i + 1}",
                     key=f"{key}_row")
    c = c2.selectbox(f"{label}: {col_name}", range(shape[1]), format_func=lambda i: f"{col_name} {i + 1}",
                     key=f"{key}_col")
    return int(r), int(c)



def entry_picker(label: str, count: int, name: str, key: str) -> int:
    """One selector for an entry of a vector (a bias); returns it 0-based. A click on the vector's heatmap
    sets it, as for cell_picker (the column is the entry)."""
    return int(st.selectbox(label, range(count), format_func=lambda i: f"{name} {i + 1}", key=f"{key}_col"))
