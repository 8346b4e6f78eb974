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


class SharedFigure(go.Figure):
    """A figure built once and drawn by every session that shows it (the lab's cached views): nothing changes it
    once built, so the dict st.plotly_chart asks for to send it (plotly's to_dict deep-copies the whole figure at
    every call) is made once and handed out again. Copy it with go.Figure(fig) to change anything."""

    def to_dict(self) -> dict:
        made = self.__dict__.get("_made")
        if made is None:
            made = self._made = super().to_dict()
        return made


def shared(fig: go.Figure) -> SharedFigure:
    """``fig`` as a SharedFigure (a copy: ``fig`` itself stays as it was). ``fig`` was validated when it was built,
    so its copy is not validated again (plotly's ``_validate=False``: a few ms instead of tens for a heatmap)."""
    return SharedFigure(fig.to_dict(), _validate=False)


# ColorBrewer RdBu, reversed so that negative is blue and positive is red; symmetric about white.
DIVERGING = [
    [0.0, "rgb(5,48,97)"], [0.1, "rgb(33,102,172)"], [0.2, "rgb(67,147,195)"], [0.3, "rgb(146,197,222)"],
    [0.4, "rgb(209,229,240)"], [0.5, "rgb(247,247,247)"], [0.6, "rgb(253,219,199)"],
    [0.7, "rgb(244,165,130)"], [0.8, "rgb(214,96,77)"], [0.9, "rgb(178,24,43)"], [1.0, "rgb(103,0,31)"],
]
HIGHLIGHT = "#ffb000"  # amber outline: distinct from both ends of the scale for every colour vision
CELL_FONT = 22
MAX_LABELLED_COLUMNS = 8  # wider matrices (a wide hidden layer) give their values on hover
AXIS_FONT = 16  # axis titles, tick labels and colour-bar labels: at least 16 px, for the back of a room
TITLE_FONT = 20
#: Text and ground of a chart in each of presenter mode's themes (dashboard.presenting.THEMES): dark ink, never
#: Plotly's light grey, on the page's ground; the diverging scale itself is the same in each.
INK = {"light": "#1a1a1a", "dark": "#f2f2f2", "contrast": "#000000"}
GROUND = {"light": "white", "dark": "#0b0d12", "contrast": "white"}
# Categorical colours that stay apart for colour-blind readers (Okabe–Ito).
SERIES = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]


def axis_labels(name: str, count: int) -> list[str]:
    """["hidden 1", "hidden 2", …]: 1-based, as the worked solutions write indices."""
    return [f"{name} {i + 1}" for i in range(count)]


def tick_labels(name: str, count: int) -> list[str]:
    """Axis ticks: "hidden unit 1", … while they fit; just 1, 2, … (the axis title names them) beyond 3."""
    return axis_labels(name, count) if count <= 3 else [str(i + 1) for i in range(count)]


#: An axis with more categories than this labels every k-th only (1, 21, 41, … for 160 samples).
MAX_TICKS = 12


def tick_step(count: int) -> int:
    """Label every tick_step-th category of an axis with ``count``: 1 up to MAX_TICKS, then the first round step
    (2, 5, 10, 20, 50, …) that leaves at most MAX_TICKS labels, so that they never print over each other."""
    step, factors = 1, (2, 2.5, 2)
    i = 0
    while -(-count // step) > MAX_TICKS:
        step = int(step * factors[i % 3])
        i += 1
    return step


def tick_lines(name: str, count: int) -> int:
    """How many lines a heatmap's column labels take: two for a two-word name while labels are "hidden unit 1"."""
    return 2 if count <= 3 and name.count(" ") >= 1 else 1


def heatmap_margins(col_name: str, cols: int, scale: float = 1.0) -> dict[str, int]:
    """A heatmap's margins in pixels: the title above; below, the column labels (one or two lines) and the axis title
    under them, so that neither is cut off nor runs into the other."""
    lines = tick_lines(col_name, cols)
    bottom = (lines * 1.25 + 1.5) * AXIS_FONT * scale + 10
    return {"t": round(2.4 * TITLE_FONT * scale), "b": round(bottom), "l": 10, "r": 10}


def heatmap_height(rows: int, col_name: str, cols: int, scale: float = 1.0, *, row_px: float = 46) -> int:
    """The least height a heatmap needs with ``row_px`` pixels per row (times ``scale``): its margins and rows."""
    margins = heatmap_margins(col_name, cols, scale)
    return round(margins["t"] + margins["b"] + rows * row_px * scale)


def colour_ticks(limit: float, tall: bool) -> tuple[list[float], list[str]]:
    """A colour bar's labelled ticks on the range [−limit, limit]: always at least three (the ends and 0), five on a
    tall bar, each written as the cells are."""
    digit = 10.0 ** (np.floor(np.log10(limit)) - 1)  # the second significant figure's place
    top = float(np.floor(limit / digit * (1 + 1e-12)) * digit)  # rounded down, so that it is on the bar
    values = [-top, -top / 2, 0.0, top / 2, top] if tall else [-top, 0.0, top]
    return values, [short(v, 3) for v in values]


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
    scale: float = 1.0,
    theme: str = "light",
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
    - height: in pixels; by default 150 + 75 per row (22 per row beyond 8 rows), and never less than the labels
      need (heatmap_height)
    - scale: every text size times this (presenter mode's text size); theme: its ink and ground (INK, GROUND)
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
    scale_note, unit = "", 1.0
    if narrow and 0 < limit < 0.01:
        # Small numbers in narrow cells: cells and colour bar in one unit, 10^power, which the title names.
        power = int(np.floor(np.log10(limit)))
        unit = 10.0**power
        scale_note = f" (cells and colour bar × 10<sup>{power}</sup>)"
    text = [[short(v / unit, 2 if narrow else 4) for v in row] for row in M]
    hover = [[short(v) for v in row] for row in M]
    if cell_text is not None:
        text = hover = [list(row) for row in cell_text]
    # The layout goes into the constructor: Figure.update_layout costs tens of milliseconds per call.
    shapes = [{"type": "rect", "x0": c - 0.5, "x1": c + 0.5, "y0": r - 0.5, "y1": r + 0.5,
               "line": {"color": HIGHLIGHT, "width": 5}} for r, c in highlight]
    fig_height = max(height or 150 + (75 if rows <= 8 else 22) * rows,
                     heatmap_height(rows, col_name, cols, scale, row_px=36 if rows > 8 else 46))
    margins = heatmap_margins(col_name, cols, scale)
    plot_height = fig_height - margins["t"] - margins["b"]  # the colour bar's length: room for five labels or three
    ink = INK.get(theme, INK["light"])
    axis_font = {"size": round(AXIS_FONT * scale), "color": ink}
    # an axis of many samples labels only every k-th: the title says how many there are
    many = [f" ({count} {name}s)" for count, name in ((cols, col_name), (rows, row_name)) if count > 4 * MAX_TICKS]
    x_ticks = x_labels[::tick_step(cols)]
    layout = base_layout(
        title + scale_note + "".join(many), fig_height, shapes=shapes, scale=scale, theme=theme,
        margin=margins,
        # Two-word names break before the second word ("hidden<br>unit 1"): side by side they ran together on a
        # phone. Only the ticks' text changes; the categories, hover and clicks keep "hidden unit 1". The bottom
        # margin holds both lines and the axis title beneath them (heatmap_margins), so neither is cut off.
        xaxis={"title": {"text": col_name, "font": axis_font, "standoff": 6}, "tickfont": axis_font,
               "automargin": True, "fixedrange": True, "tickangle": 0, "type": "category", "tickmode": "array",
               "tickvals": x_ticks,
               "ticktext": [label.replace(" ", "<br>", 1) if label.count(" ") >= 2 else label for label in x_ticks]},
        yaxis={"title": {"text": row_name, "font": axis_font, "standoff": 6}, "tickfont": axis_font,
               "automargin": True, "autorange": "reversed", "fixedrange": True, "type": "category",
               "tickmode": "array", "tickvals": y_labels[::tick_step(rows)]},
    )
    traces = [
        go.Heatmap(
            z=M / unit,
            x=x_labels,
            y=y_labels,
            text=text,
            customdata=hover,
            texttemplate="%{text}" if show_values else "",
            textfont={"size": round((13 if narrow else CELL_FONT) * scale)},
            colorscale=DIVERGING,
            zmid=0.0,
            zmin=-limit / unit,
            zmax=limit / unit,
            xgap=2,
            ygap=2,
            # labelled ticks chosen here: at least three, five on a tall bar (a short one would stack them)
            # at least as long as its three labels need, even beside a single row (it may reach into the margins)
            colorbar={"thickness": round(14 * scale), "tickfont": axis_font, "tickmode": "array",
                      "lenmode": "pixels", "len": max(plot_height, round(4.2 * AXIS_FONT * scale)),
                      **dict(zip(("tickvals", "ticktext"), colour_ticks(limit / unit, plot_height >= 150 * scale),
                                 strict=True))},
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


def selected_customdata(event) -> list[list | tuple]:
    """The customdata of each point st.plotly_chart's selection event holds (lists and tuples only), in order;
    empty for no event or a malformed one."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return []
    datas = (point.get("customdata") if isinstance(point, dict) else None for point in points)
    return [data for data in datas if isinstance(data, (list, tuple))]


def cell_from_selection(event) -> tuple[int, int] | None:
    """The (row, column) a click on a clickable heatmap selected, from st.plotly_chart's selection event."""
    for data in selected_customdata(event):
        if len(data) == 2:
            return int(data[0]), int(data[1])
    return None


def base_layout(title: str, height: int, *, scale: float = 1.0, theme: str = "light", **extra) -> dict:
    """The layout every chart shares (large fonts for projection, in dark ink), plus ``extra``; ``scale`` and
    ``theme``: presenter mode's text size and theme."""
    ink, ground = INK.get(theme, INK["light"]), GROUND.get(theme, GROUND["light"])
    return {"title": {"text": title, "font": {"size": round(TITLE_FONT * scale), "color": ink}}, "height": height,
            "plot_bgcolor": ground, "paper_bgcolor": ground, "font": {"color": ink},
            "margin": {"l": 10, "r": 10, "t": 50, "b": 10}, **extra}


def for_projector(fig: go.Figure, scale: float = 1.0, theme: str = "light") -> go.Figure:
    """``fig`` made readable on a projector, in place: every axis title and tick label, legend, annotation, colour
    bar and text trace at least AXIS_FONT × ``scale`` pixels, in the theme's ink where the figure set no colour of
    its own, the title at TITLE_FONT × ``scale``, on the theme's ground. Returns ``fig``."""
    ink, ground = INK.get(theme, INK["light"]), GROUND.get(theme, GROUND["light"])
    least = round(AXIS_FONT * scale)

    def font(current, *, keep_colour: bool = True) -> dict:
        """``current`` (a Plotly font, or None) at least ``least`` pixels, in ink unless its colour is kept."""
        given = current.to_plotly_json() if current is not None else {}
        size = given.get("size") or 12
        colour = given.get("color") if keep_colour and given.get("color") and theme == "light" else ink
        return {**given, "size": max(size, least), "color": colour}

    layout = fig.layout
    for name in layout.to_plotly_json():
        if name.startswith(("xaxis", "yaxis")):
            axis = layout[name]
            axis.tickfont = font(axis.tickfont, keep_colour=False)
            axis.title.font = font(axis.title.font, keep_colour=False)
    layout.title.font = {**font(layout.title.font, keep_colour=False), "size": round(TITLE_FONT * scale)}
    layout.legend.font = font(layout.legend.font, keep_colour=False)
    for note in layout.annotations:
        # a label on its own white box keeps its dark ink whatever the theme
        note.font = font(note.font, keep_colour=True) if not note.bgcolor else {**font(note.font), "color":
                                                                               note.font.color or INK["light"]}
    for trace in fig.data:
        if getattr(trace, "textfont", None) is not None and trace.textfont.size:
            trace.textfont.size = max(trace.textfont.size, least) if np.isscalar(trace.textfont.size) else \
                [max(s, least) for s in trace.textfont.size]
        marker = getattr(trace, "marker", None)
        shown = [getattr(trace, "colorbar", None) if getattr(trace, "showscale", None) is not False else None,
                 getattr(marker, "colorbar", None) if getattr(marker, "showscale", None) else None]
        for bar in shown:  # a heatmap's colour bar, a marker's (only those drawn: a bar's fonts alone draw one)
            if bar is not None:
                bar.tickfont = font(bar.tickfont, keep_colour=False)
                bar.title.font = font(bar.title.font, keep_colour=False)
    layout.font = {**(layout.font.to_plotly_json() if layout.font else {}), "color": ink}
    layout.paper_bgcolor = ground
    if theme != "light":
        layout.plot_bgcolor = ground
    return fig


def log_range(positive, *, decades: float, pad: float) -> list[float]:
    """A log axis's range (in powers of ten) around ``positive`` values (all > 0 and finite): widened about its
    middle to at least ``decades``, then ``pad`` decades added at each end."""
    low, high = float(np.log10(np.min(positive))), float(np.log10(np.max(positive)))
    if high - low < decades:
        middle = (low + high) / 2
        low, high = middle - decades / 2, middle + decades / 2
    return [low - pad, high + pad]


#: The most labelled powers of ten a log axis gets: more, and their labels run into each other.
MAX_LOG_LABELS = 6


def log_dtick(axis_range: Sequence[float], most: int = MAX_LOG_LABELS) -> int:
    """The step, in decades, between a log axis's labelled powers of ten over ``axis_range`` (in powers of ten):
    1, 2, 5, 10, 20, 50, … decades, the first that leaves at most ``most`` labels, so that an axis over 150
    decades (a diverging run's gradient norms) labels 10⁰, 10⁵⁰, 10¹⁰⁰, 10¹⁵⁰ instead of 150 stacked labels."""
    low, high = float(axis_range[0]), float(axis_range[1])
    step, factors, i = 1, (2, 2.5, 2), 0
    while np.floor(high / step) - np.ceil(low / step) + 1 > most:
        step = int(step * factors[i % 3])
        i += 1
    return step


def layer_norms_figure(norms: Sequence[float], *, title: str, log_y: bool = True, height: int = 380,
                       scale: float = 1.0, theme: str = "light") -> go.Figure:
    """One gradient norm per layer (layer 1 nearest the input, the last the output layer) as a dot with its value.

    Dots, not bars: on a log axis a bar's length depends on where the axis happens to start, so bars of 7e-7 and
    1e-6 can look ten times apart. A norm of exactly 0, or one that is not finite, has no place on a log axis: it is
    written at the bottom of its column instead ("0", "not finite"). ``scale`` and ``theme``: presenter mode's text
    size and theme."""
    labels = [f"layer {i + 1}" for i in range(len(norms) - 1)] + ["output"]
    values = np.asarray(norms, dtype=float)
    drawn = np.isfinite(values) & ((values > 0) if log_y else True)
    at = np.flatnonzero(drawn)
    font = {"size": round(AXIS_FONT * scale), "color": INK.get(theme, INK["light"])}
    dots = go.Scatter(
        x=at.tolist(), y=values[drawn].tolist(), customdata=[labels[i] for i in at],
        mode="markers+text", marker={"color": SERIES[0], "size": round(14 * scale)},
        text=[short(v, 2) for v in values[drawn]], textposition="top center", textfont=font,
        hovertemplate="%{customdata}: ‖∂L/∂W‖ = %{y:.3g}<extra></extra>", cliponaxis=False,
    )
    notes = [{"x": int(i), "y": 0, "xref": "x", "yref": "paper", "yanchor": "bottom", "showarrow": False,
              "text": "0" if np.isfinite(values[i]) else "not finite", "font": font}
             for i in np.flatnonzero(~drawn)]
    yaxis = {"type": "log" if log_y else "linear", "title": {"text": "‖∂L/∂W‖ (Frobenius norm)", "font": font},
             "tickfont": font, "exponentformat": "power", "automargin": True}
    if log_y and at.size:
        # At least two decades, so that norms within a factor of 1.3 do not look ten times apart; powers of ten
        # labelled only (Plotly writes its in-between 2 and 5 small)
        yaxis["range"] = log_range(values[drawn], decades=1.4, pad=0.3)
        yaxis["dtick"] = 1
    return go.Figure(dots, layout=base_layout(
        title, height, scale=scale, theme=theme,
        yaxis=yaxis,
        xaxis={"tickfont": font, "tickvals": list(range(len(labels))), "ticktext": labels,
               "range": [-0.5, len(labels) - 0.5], "automargin": True},
        annotations=notes,
    ))


def derivative_check_figure(z, analytic, numerical, *, title: str, height: int = 360, scale: float = 1.0,
                            theme: str = "light") -> go.Figure:
    """The analytic derivative as a line and the numerical one as markers, over z."""
    font = {"size": round(AXIS_FONT * scale), "color": INK.get(theme, INK["light"])}
    return go.Figure([
        go.Scatter(x=z, y=analytic, mode="lines", name="analytic f′(z)", line={"color": SERIES[0], "width": 3}),
        go.Scatter(x=z, y=numerical, mode="markers", name="numerical (centred differences)",
                   marker={"color": SERIES[1], "size": round(8 * scale), "symbol": "x"}),
    ], layout=base_layout(
        title, height, scale=scale, theme=theme,
        xaxis={"title": {"text": "z", "font": font}, "tickfont": font, "automargin": True},
        yaxis={"tickfont": font, "automargin": True},
        legend={"orientation": "h", "y": -0.2, "font": font}, hovermode="x unified",
    ))
