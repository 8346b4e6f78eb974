"""Plotly figures: plain functions from numbers to go.Figure, testable without a browser.

Matrices are drawn as heatmaps on a diverging, colour-blind-safe scale (ColorBrewer RdBu: blue for
negative, red for positive, white at zero) with the value printed in every cell, large enough to read
from the back of a classroom.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.numbers import short

# ColorBrewer RdBu, reversed so that negative is blue and positive is red; symmetric about white.
DIVERGING = [
    [0.0, "rgb(5,48,97)"], [0.1, "rgb(33,102,172)"], [0.2, "rgb(67,147,195)"], [0.3, "rgb(146,197,222)"],
    [0.4, "rgb(209,229,240)"], [0.5, "rgb(247,247,247)"], [0.6, "rgb(253,219,199)"],
    [0.7, "rgb(244,165,130)"], [0.8, "rgb(214,96,77)"], [0.9, "rgb(178,24,43)"], [1.0, "rgb(103,0,31)"],
]
HIGHLIGHT = "#ffb000"  # amber outline: distinct from both ends of the scale for every colour vision
CELL_FONT = 22
AXIS_FONT = 16
# Categorical colours that stay apart for colour-blind readers (Okabe–Ito).
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def axis_labels(name: str, count: int) -> list[str]:
    """["hidden 1", "hidden 2", …]: 1-based, as the worked solutions write indices."""
    return [f"{name} {i + 1}" for i in range(count)]


def matrix_heatmap(
    M,
    *,
    title: str,
    row_name: str,
    col_name: str,
    symbol: str = "value",
    highlight: Sequence[tuple[int, int]] = (),
    zmax: float | None = None,
) -> go.Figure:
    """A heatmap of the 2-D matrix M with its value printed in each cell.

    - row_name / col_name: what rows and columns index ("hidden unit", "output"): they label the axes
      and the ticks ("hidden unit 1", …)
    - symbol: the matrix's name in the hover text, e.g. "∂L/∂W2"
    - highlight: (row, column) cells to outline, 0-based
    - zmax: the colour range is [−zmax, zmax], centred on zero; by default the largest |entry|
    """
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    rows, cols = M.shape
    finite = M[np.isfinite(M)]
    limit = zmax if zmax is not None else (float(np.abs(finite).max()) if finite.size else 1.0)
    limit = limit if limit > 0 else 1.0
    y_labels = axis_labels(row_name, rows)
    x_labels = axis_labels(col_name, cols)
    text = [[short(v) for v in row] for row in M]
    fig = go.Figure(
        go.Heatmap(
            z=M,
            x=x_labels,
            y=y_labels,
            text=text,
            texttemplate="%{text}",
            textfont={"size": CELL_FONT},
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            xgap=2,
            ygap=2,
            colorbar={"thickness": 14, "tickfont": {"size": 13}},
            hovertemplate=f"{symbol}[%{{y}}, %{{x}}] = %{{text}}<extra></extra>",
        )
    )
    for r, c in highlight:
        fig.add_shape(type="rect", x0=c - 0.5, x1=c + 0.5, y0=r - 0.5, y1=r + 0.5,
                      line={"color": HIGHLIGHT, "width": 5})
    fig.update_layout(
        title={"text": title, "font": {"size": 20}},
        height=150 + 75 * rows,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": {"text": col_name, "font": {"size": AXIS_FONT}}, "tickfont": {"size": AXIS_FONT},
               "side": "top", "fixedrange": True},
        yaxis={"title": {"text": row_name, "font": {"size": AXIS_FONT}}, "tickfont": {"size": AXIS_FONT},
               "autorange": "reversed", "fixedrange": True},
        plot_bgcolor="white",
    )
    return fig


def layer_norms_figure(norms: Sequence[float], *, title: str, log_y: bool = True) -> go.Figure:
    """Bars of one gradient norm per layer (layer 1 nearest the input, the last the output layer)."""
    labels = [f"layer {i + 1}" for i in range(len(norms) - 1)] + ["output"]
    fig = go.Figure(go.Bar(
        x=labels, y=list(norms), marker_color=SERIES[0],
        text=[short(v, 2) for v in norms], textposition="outside", textfont={"size": 14},
        hovertemplate="%{x}: ‖∂L/∂W‖ = %{y:.3g}<extra></extra>",
    ))
    fig.update_layout(
        title={"text": title, "font": {"size": 18}}, height=380, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        yaxis={"type": "log" if log_y else "linear", "title": "‖∂L/∂W‖ (Frobenius norm)",
               "tickfont": {"size": 14}},
        xaxis={"tickfont": {"size": 14}}, plot_bgcolor="white",
    )
    return fig


def derivative_check_figure(z, analytic, numerical, *, title: str) -> go.Figure:
    """The analytic derivative as a line and the numerical one as markers, over z."""
    fig = go.Figure([
        go.Scatter(x=z, y=analytic, mode="lines", name="analytic f′(z)", line={"color": SERIES[0], "width": 3}),
        go.Scatter(x=z, y=numerical, mode="markers", name="numerical (centred differences)",
                   marker={"color": SERIES[1], "size": 8, "symbol": "x"}),
    ])
    fig.update_layout(
        title={"text": title, "font": {"size": 18}}, height=360, margin={"l": 10, "r": 10, "t": 50, "b": 10},
        xaxis={"title": "z", "tickfont": {"size": 14}}, yaxis={"tickfont": {"size": 14}},
        legend={"orientation": "h", "y": -0.2, "font": {"size": 14}}, hovermode="x unified",
        plot_bgcolor="white",
    )
    return fig
