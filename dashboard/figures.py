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
MAX_LABELLED_COLUMNS = 8  # wider matrices (a wide hidden layer) give their values on hover
AXIS_FONT = 16
# Categorical colours that stay apart for colour-blind readers (Okabe–Ito).
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def axis_labels(name: str, count: int) -> list[str]:
    """["hidden 1", "hidden 2", …]: 1-based, as the worked solutions write indices."""
    return [f"{name} {i + 1}" for i in range(count)]


def tick_labels(name: str, count: int) -> list[str]:
    """Axis ticks: "hidden unit 1", … while they fit; just 1, 2, … (the axis title names them) beyond 3."""
    return axis_labels(name, count) if count <= 3 else [str(i + 1) for i in range(count)]


def matrix_heatmap(
    M,
    *,
    title: str,
    row_name: str,
    col_name: str,
    symbol: str = "value",
    highlight: Sequence[tuple[int, int]] = (),
    zmax: float | None = None,
    cell_text: Sequence[Sequence[str]] | None = None,
    compact: bool = False,
    clickable: bool = False,
    height: int | None = None,
) -> go.Figure:
    """A heatmap of the 2-D matrix M with its value printed in each cell.

    - row_name / col_name: what rows and columns index ("hidden unit", "output"): they label the axes
      and the ticks ("hidden unit 1", …)
    - symbol: the matrix's name in the hover text, e.g. "∂L/∂W2"
    - highlight: (row, column) cells to outline, 0-based
    - zmax: the colour range is [−zmax, zmax], centred on zero; by default the largest |entry|
    - cell_text: words to print instead of the values (the values are then not shown on hover either)
    - compact: for a half-width column: smaller cell text and numbered ticks
    - clickable: add an invisible marker at each cell's centre, carrying [row, column], so that a click
      selects the cell (Plotly cannot select heatmap cells themselves); see cell_from_selection
    - height: in pixels; by default 150 + 75 per row (22 per row beyond 8 rows)
    """
    M = np.atleast_2d(np.asarray(M, dtype=np.float64))
    rows, cols = M.shape
    finite = M[np.isfinite(M)]
    limit = zmax if zmax is not None else (float(np.abs(finite).max()) if finite.size else 1.0)
    limit = limit if limit > 0 else 1.0
    y_labels = tick_labels(row_name, rows if not compact else max(rows, 5))[:rows]
    x_labels = tick_labels(col_name, cols if not compact else max(cols, 5))[:cols]
    # Values are printed in every cell while they fit (to 2 significant digits beyond 4 columns).
    show_values = cols <= MAX_LABELLED_COLUMNS and rows <= 16
    narrow = cols > 4 or (compact and cols > 2)
    scale_note = ""
    if narrow and 0 < limit < 0.01:
        # Small numbers in narrow cells: print mantissas and put the power of ten in the title.
        power = int(np.floor(np.log10(limit)))
        text = [[short(v / 10.0**power, 2) for v in row] for row in M]
        scale_note = f" (cells × 10<sup>{power}</sup>)"
    else:
        text = [[short(v, 2 if narrow else 4) for v in row] for row in M]
    hover = [[short(v) for v in row] for row in M]
    if cell_text is not None:
        text = hover = [list(row) for row in cell_text]
    # The layout goes into the constructor: Figure.update_layout costs tens of milliseconds per call.
    shapes = [{"type": "rect", "x0": c - 0.5, "x1": c + 0.5, "y0": r - 0.5, "y1": r + 0.5,
               "line": {"color": HIGHLIGHT, "width": 5}} for r, c in highlight]
    layout = _layout(
        title + (scale_note if show_values else ""), height or 150 + (75 if rows <= 8 else 22) * rows, shapes=shapes,
        xaxis={"title": {"text": col_name, "font": {"size": AXIS_FONT}}, "tickfont": {"size": AXIS_FONT},
               "fixedrange": True, "tickangle": 0, "type": "category"},
        yaxis={"title": {"text": row_name, "font": {"size": AXIS_FONT}}, "tickfont": {"size": AXIS_FONT},
               "autorange": "reversed", "fixedrange": True, "type": "category"},
    )
    traces = [
        go.Heatmap(
            z=M,
            x=x_labels,
            y=y_labels,
            text=text,
            customdata=hover,
            texttemplate="%{text}" if show_values else "",
            textfont={"size": 13 if narrow else CELL_FONT},
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-limit,
            zmax=limit,
            xgap=2,
            ygap=2,
            colorbar={"thickness": 14, "tickfont": {"size": 13}},
            hovertemplate=f"{symbol}[{row_name} %{{y}}, {col_name} %{{x}}] = %{{customdata}}<extra></extra>"
            if rows > 4 or cols > 4 else f"{symbol}[%{{y}}, %{{x}}] = %{{customdata}}<extra></extra>",
        ),
    ]
    if clickable:
        cells = [(r, c) for r in range(rows) for c in range(cols)]
        traces.append(go.Scatter(
            x=[x_labels[c] for _, c in cells], y=[y_labels[r] for r, _ in cells], mode="markers",
            marker={"size": 44, "opacity": 0.01, "color": "black"}, customdata=[[r, c] for r, c in cells],
            hovertemplate=f"{symbol}[%{{y}}, %{{x}}] = %{{text}}<br>click: write out this entry<extra></extra>",
            text=[hover[r][c] for r, c in cells], showlegend=False,
        ))
    return go.Figure(traces, layout=layout)


def cell_from_selection(event) -> tuple[int, int] | None:
    """The (row, column) a click on a clickable heatmap selected, from st.plotly_chart's selection event."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points:
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, (list, tuple)) and len(data) == 2:
            return int(data[0]), int(data[1])
    return None


def _layout(title: str, height: int, **extra) -> dict:
    """The layout every chart shares (large fonts for projection), plus ``extra``."""
    return {"title": {"text": title, "font": {"size": 20}}, "height": height, "plot_bgcolor": "white",
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, **extra}


def layer_norms_figure(norms: Sequence[float], *, title: str, log_y: bool = True) -> go.Figure:
    """Bars of one gradient norm per layer (layer 1 nearest the input, the last the output layer)."""
    labels = [f"layer {i + 1}" for i in range(len(norms) - 1)] + ["output"]
    bars = go.Bar(
        x=labels, y=list(norms), marker_color=SERIES[0],
        text=[short(v, 2) for v in norms], textposition="outside", textfont={"size": 14},
        hovertemplate="%{x}: ‖∂L/∂W‖ = %{y:.3g}<extra></extra>",
    )
    return go.Figure(bars, layout=_layout(
        title, 380,
        yaxis={"type": "log" if log_y else "linear", "title": "‖∂L/∂W‖ (Frobenius norm)", "tickfont": {"size": 14},
               "exponentformat": "power"},
        xaxis={"tickfont": {"size": 14}},
    ))


def derivative_check_figure(z, analytic, numerical, *, title: str) -> go.Figure:
    """The analytic derivative as a line and the numerical one as markers, over z."""
    return go.Figure([
        go.Scatter(x=z, y=analytic, mode="lines", name="analytic f′(z)", line={"color": SERIES[0], "width": 3}),
        go.Scatter(x=z, y=numerical, mode="markers", name="numerical (centred differences)",
                   marker={"color": SERIES[1], "size": 8, "symbol": "x"}),
    ], layout=_layout(
        title, 360, xaxis={"title": "z", "tickfont": {"size": 14}}, yaxis={"tickfont": {"size": 14}},
        legend={"orientation": "h", "y": -0.2, "font": {"size": 14}}, hovermode="x unified",
    ))


# --- training -----------------------------------------------------------------------------------


def _epoch_markers(marks: Sequence[tuple[int | None, str, str]]) -> dict:
    """Dotted vertical lines with a label, as layout shapes and annotations: (epoch, text, colour)."""
    shapes, notes = [], []
    for epoch, text, colour in marks:
        if epoch is None:
            continue
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": epoch, "x1": epoch, "y0": 0, "y1": 1,
                       "line": {"color": colour, "dash": "dot", "width": 2}})
        notes.append({"x": epoch, "xref": "x", "y": 1, "yref": "paper", "text": text, "showarrow": False,
                      "xanchor": "left", "yanchor": "top", "font": {"size": 13, "color": colour}})
    return {"shapes": shapes, "annotations": notes}


def training_curves_figure(history, *, log_y: bool = False, epoch: int | None = None) -> go.Figure:
    """Loss (and accuracy, when there is one) above the per-layer gradient norms, over one shared epoch
    axis, so that one hover reads every curve at an epoch.

    - top panel: the loss before each update (log scale with ``log_y``), accuracy on the right axis
    - bottom panel: ‖∂L/∂W1‖ and ‖∂L/∂W2‖ on a log axis: vanishing gradients sink, exploding ones climb
    - ``epoch`` draws a dotted marker across both (the scrubber's position); a diverged run is marked
    """
    epochs = np.arange(history.epochs_run)
    traces = [go.Scatter(
        x=epochs, y=history.losses, mode="lines", name="loss", yaxis="y", line={"color": SERIES[0], "width": 3},
        hovertemplate="loss %{y:.6g}<extra></extra>",
    )]
    if history.accuracies is not None:
        traces.append(go.Scatter(
            x=epochs, y=history.accuracies, mode="lines", name="accuracy", yaxis="y3",
            line={"color": SERIES[1], "width": 2, "dash": "dash"}, hovertemplate="accuracy %{y:.1%}<extra></extra>",
        ))
    for colour, (name, series) in zip(SERIES[2:], history.grad_norms.items(), strict=False):
        traces.append(go.Scatter(
            x=epochs, y=series, mode="lines", name=f"‖∂L/∂{name}‖", yaxis="y2", line={"color": colour, "width": 3},
            hovertemplate=f"‖∂L/∂{name}‖ %{{y:.3g}}<extra></extra>",
        ))
    marks = [(epoch, f"epoch {epoch}", "#555555")]
    if history.diverged_at is not None:
        marks.append((history.diverged_at, f"diverged at epoch {history.diverged_at}", "#b2182b"))
    markers = _epoch_markers(marks)
    panel_titles = [
        {"text": "<b>Loss over epochs</b>", "x": 0, "xref": "paper", "y": 1.0, "yref": "paper",
         "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 18}},
        {"text": "<b>Gradient norm per layer</b>", "x": 0, "xref": "paper", "y": 0.44, "yref": "paper",
         "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 18}},
    ]
    return go.Figure(traces, layout=_layout(
        "", 660, hovermode="x unified",
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        xaxis={"title": "epoch", "tickfont": {"size": 14}, "gridcolor": "#eeeeee", "anchor": "y2"},
        yaxis={"title": "loss", "type": "log" if log_y else "linear", "tickfont": {"size": 14},
               "gridcolor": "#eeeeee", "domain": [0.56, 1.0]},
        yaxis3={"title": "accuracy", "overlaying": "y", "side": "right", "range": [0, 1.02], "tickformat": ".0%",
                "tickvals": [0, 0.25, 0.5, 0.75, 1.0], "tickfont": {"size": 14}, "showgrid": False},
        yaxis2={"title": "norm (log)", "type": "log", "tickfont": {"size": 14}, "gridcolor": "#eeeeee",
                "exponentformat": "power", "domain": [0.0, 0.42]},
        legend={"orientation": "h", "y": -0.1, "x": 0, "yanchor": "top", "font": {"size": 14}},
        shapes=markers["shapes"], annotations=markers["annotations"] + panel_titles,
    ))


def boundary_figure(xs, ys, A2, X, y, *, title: str, threshold: float = 0.5) -> go.Figure:
    """The network's output over the plane (colour, centred on the 0.5 threshold), the boundary where it
    crosses the threshold (black line), and the data, marked by class (circle 0, cross 1)."""
    A2 = np.asarray(A2, dtype=np.float64)
    finite = A2[np.isfinite(A2)]
    spread = float(np.abs(finite - threshold).max()) if finite.size else 0.5
    spread = spread if spread > 0 else 0.5
    traces = [
        go.Heatmap(
            x=xs, y=ys, z=A2, colorscale=DIVERGING, zmid=threshold, zmin=threshold - spread,
            zmax=threshold + spread, colorbar={"title": {"text": "output"}, "thickness": 14},
            hovertemplate="x₁ %{x:.2f}, x₂ %{y:.2f}<br>output %{z:.3f}<extra></extra>",
        ),
        go.Contour(
            x=xs, y=ys, z=A2, contours={"start": threshold, "end": threshold, "size": 1, "coloring": "none"},
            line={"color": "black", "width": 3}, showscale=False, hoverinfo="skip", name="boundary",
        ),
    ]
    labels = np.asarray(y).reshape(-1)
    for value, symbol, colour, name in ((0.0, "circle", SERIES[0], "class 0"), (1.0, "x", SERIES[1], "class 1")):
        mask = labels == value
        traces.append(go.Scatter(
            x=X[mask, 0], y=X[mask, 1], mode="markers", name=name,
            marker={"symbol": symbol, "size": 8, "color": colour, "line": {"color": "white", "width": 1}},
            hovertemplate=f"{name}<br>x₁ %{{x:.2f}}, x₂ %{{y:.2f}}<extra></extra>",
        ))
    return go.Figure(traces, layout=_layout(
        title, 460,
        xaxis={"title": "x₁", "tickfont": {"size": 14}, "constrain": "domain"},
        yaxis={"title": "x₂", "tickfont": {"size": 14}, "scaleanchor": "x"},
        legend={"orientation": "h", "y": 1.0, "x": 1.0, "xanchor": "right", "yanchor": "bottom",
                "font": {"size": 14}},
    ))
