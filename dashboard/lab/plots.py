"""The training lab's figures: the run's curves, the output over the input plane, and the network as a picture of
what every unit computes. Plain functions from numbers to go.Figure, testable without a browser.

Colours: ColorBrewer RdBu (reversed: blue negative, red positive, white at the middle) for values, the same two
ends for the signs of weights, and Okabe–Ito for classes and curves: all distinguishable with colour-blind vision.
"""
from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image, ImageDraw

from backprop.planes import crossings
from backprop.reading import Curves
from dashboard.figures import DIVERGING, SERIES, base_layout, log_dtick, log_range
from dashboard.numbers import short

#: One colour per class (Okabe–Ito), and a marker shape per class so that shape alone tells them apart.
CLASS_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]
CLASS_SYMBOLS = ["circle", "diamond", "square", "triangle-up", "star"]
#: Gradient-norm curves, one per weight matrix (Okabe–Ito, avoiding the loss's blue and the accuracy's vermillion).
LAYER_COLOURS = ["#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARK_GREY, MARK_RED, MARK_GREEN = "#555555", "#b2182b", "#007a5a"

_STOPS = np.array([s for s, _ in DIVERGING])
_RGB = np.array([[int(v) for v in c[4:-1].split(",")] for _, c in DIVERGING], dtype=np.float64)


def chart_layout(title: str, height: int, **extra) -> dict:
    """The app's chart layout, drawn without Streamlit's theme (st.plotly_chart(theme=None): the theme is merged
    into every figure in the browser, which costs each frame while training plays), so its look is set here: the
    app's font and bold titles at the left. Margins are given, not computed from the labels (automargin makes
    Plotly lay a figure out twice, at every frame)."""
    layout = base_layout(title, height, **extra)
    layout["title"] = {**layout["title"], "x": 0, "xanchor": "left", "xref": "paper",
                       "font": {**layout["title"]["font"], "weight": "bold"}}
    layout["font"] = {"family": '"Source Sans Pro", "Source Sans 3", sans-serif', "color": "#31333F"}
    return layout


def diverging_rgb(values, lo: float, hi: float) -> np.ndarray:
    """RGB (…, 3) uint8 colours of ``values`` on DIVERGING from ``lo`` (darkest blue) to ``hi`` (darkest red);
    values outside are clipped, NaN is drawn light grey."""
    v = np.asarray(values, dtype=np.float64)
    t = np.clip((v - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.full(v.shape, 0.5)
    t = np.where(np.isfinite(t), t, 0.5)
    rgb = np.stack([np.interp(t, _STOPS, _RGB[:, k]) for k in range(3)], axis=-1)
    rgb[~np.isfinite(v)] = 200.0
    return np.round(rgb).astype(np.uint8)


def png_uri(rgb: np.ndarray) -> str:
    """A data: URI of the image ``rgb`` (H, W, 3) or, with transparency, (H, W, 4) uint8, row 0 at the top."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=1)  # fast: a new picture every frame while playing
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --- curves ------------------------------------------------------------------------------------------------


def epoch_markers(marks: Sequence[tuple[int | None, str, str]], end_epoch: int, top: float) -> dict:
    """Dotted vertical lines over both panels, each labelled just inside the top of the upper panel (``top``, in
    paper coordinates), on the side of the line that has room: (epoch, text, colour); None epochs are skipped.
    Marks at the same epoch share one line and one label (their texts joined), in the colour of the last: two labels
    at one epoch were drawn over each other ("epoch 141" on "diverged at epoch 141")."""
    merged: dict[int, tuple[str, str]] = {}
    for epoch, text, colour in marks:
        if epoch is None:
            continue
        merged[epoch] = (f"{merged[epoch][0]} · {text}", colour) if epoch in merged else (text, colour)
    shapes, notes = [], []
    for row, (epoch, (text, colour)) in enumerate(merged.items()):
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": epoch, "x1": epoch, "y0": 0, "y1": top,
                       "line": {"color": colour, "dash": "dot", "width": 2}})
        right = epoch > 0.6 * max(end_epoch, 1)
        notes.append({"x": epoch, "xref": "x", "y": top - 0.05 * row, "yref": "paper", "text": text,
                      "showarrow": False, "xanchor": "right" if right else "left", "yanchor": "top",
                      "xshift": -4 if right else 4, "font": {"size": 13, "color": colour},
                      "bgcolor": "rgba(255,255,255,0.8)"})
    return {"shapes": shapes, "annotations": notes}


def _loss_range(values: list[np.ndarray], log_y: bool) -> list[float] | None:
    """A y range that shows how much the loss really moved: from 0 on a linear axis (so that a loss that barely
    moves looks flat), at least two decades on a log axis (two labelled powers of ten)."""
    finite = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.array([])
    if not finite.size:
        return None
    hi = float(finite.max())
    if not log_y:
        return [0.0, hi * 1.05 if hi > 0 else 1.0]
    positive = finite[finite > 0]
    if not positive.size:
        return None
    return log_range(positive, decades=2.0, pad=0.05)


def wide_losses(c: Curves | None, factor: float = 10.0) -> bool:
    """Whether the loss climbed to more than ``factor`` times where it started (a diverging run), so that a linear
    axis would flatten every epoch but the last few: the page then starts with a log axis. A loss that falls, however
    far, reads well on a linear axis from 0."""
    if c is None:
        return False
    values = np.concatenate([v[np.isfinite(v)] for v in (c.train_loss, c.test_loss) if v is not None])
    first = c.train_loss[0]
    return bool(values.size) and np.isfinite(first) and first > 0 and values.max() > factor * first


def _log_range(series: list) -> list[float] | None:
    """A log axis's range (powers of ten) around the positive finite values of ``series``, at least two decades
    wide (so that it has at least two labelled powers of ten, the only labels it gets: Plotly's "2" and "5"
    between them ran into the powers' labels); given rather than left to Plotly, which would work it out again
    at every frame."""
    values = [np.asarray(v, dtype=np.float64) for v in series]
    finite = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in values]) if values else np.array([])
    if not finite.size:
        return None
    return log_range(finite, decades=2.0, pad=0.1)


def _log_ticks(axis_range: list[float] | None) -> dict:
    """Labels at powers of ten only, spaced so that at most figures.MAX_LOG_LABELS fit (log_dtick)."""
    return {"tickmode": "linear", "tick0": 0, "dtick": 1 if axis_range is None else log_dtick(axis_range)}


def curves_figure(c: Curves | None, *, end_epoch: int, epoch: int | None = None, log_y: bool = False,
                  diverged_at: int | None = None, best_test_epoch: int | None = None,
                  interactive: bool = True) -> go.Figure:
    """Loss and accuracy (training solid, test dashed) above ‖∂L/∂W_l‖ per layer, on one epoch axis from 0 to
    ``end_epoch`` (the run's last epoch), so that one hover reads every curve at an epoch.

    - ``epoch`` draws a dotted marker (the epoch the other views show); a diverged run is marked in red, the
      epoch of the lowest test loss in green
    - the loss axis starts at 0 (linear) or spans at least a decade (log): a loss that barely moves looks flat
    - interactive False (while training plays): no legends, which the browser would measure again at every frame;
      they are the same from frame to frame and come back when paused
    """
    traces = []
    losses = []
    if c is not None:
        x = c.epochs
        series = [("training loss", c.train_loss, "y", SERIES[0], "solid", 3, ".4g"),
                  ("test loss", c.test_loss, "y", SERIES[0], "dash", 3, ".4g"),
                  ("training accuracy", c.train_accuracy, "y3", SERIES[1], "solid", 2, ".1%"),
                  ("test accuracy", c.test_accuracy, "y3", SERIES[1], "dash", 2, ".1%")]
        for name, y, axis, colour, dash, width, fmt in series:
            if y is None:
                continue
            if axis == "y":
                losses.append(y)
            traces.append(go.Scatter(x=x, y=y, mode="lines", name=name, yaxis=axis, legend="legend",
                                     line={"color": colour, "dash": dash, "width": width},
                                     hovertemplate=f"{name} %{{y:{fmt}}}<extra></extra>"))
        for colour, (name, y) in zip(LAYER_COLOURS, c.grad_norms.items(), strict=False):
            traces.append(go.Scatter(x=x, y=y, mode="lines", name=f"‖∂L/∂{name}‖", yaxis="y2", legend="legend2",
                                     line={"color": colour, "width": 3},
                                     hovertemplate=f"‖∂L/∂{name}‖ %{{y:.3g}}<extra></extra>"))
    marks = [(epoch, f"epoch {epoch}", MARK_GREY)]
    if diverged_at is not None:
        marks.append((diverged_at, f"diverged at epoch {diverged_at}", MARK_RED))
    if best_test_epoch is not None:
        marks.append((best_test_epoch, f"lowest test loss, epoch {best_test_epoch}", MARK_GREEN))
    markers = epoch_markers(marks, end_epoch, top=0.86)
    titles = [
        {"text": "<b>Loss and accuracy</b>", "x": 0, "xref": "paper", "y": 0.87, "yref": "paper", "xanchor": "left",
         "yanchor": "bottom", "showarrow": False, "font": {"size": 18}},
        {"text": "<b>Gradient norm per layer</b>", "x": 0, "xref": "paper", "y": 0.37, "yref": "paper",
         "xanchor": "left", "yanchor": "bottom", "showarrow": False, "font": {"size": 18}},
    ]
    loss_range = _loss_range(losses, log_y)
    norms = [t.y for t in traces if t.yaxis == "y2"]
    norm_range = _log_range(norms)
    legend = {"orientation": "h", "yanchor": "bottom", "font": {"size": 13}, "bgcolor": "rgba(255,255,255,0)"}
    return go.Figure(traces, layout=chart_layout(
        "", 680, hovermode="x unified", margin={"l": 70, "r": 60, "t": 40, "b": 60},
        xaxis={"title": "epoch", "tickfont": {"size": 14}, "gridcolor": "#eeeeee", "anchor": "y2",
               "range": [0, max(end_epoch, 1)]},
        yaxis={"title": "loss" + (" (log)" if log_y else ""), "type": "log" if log_y else "linear",
               "tickfont": {"size": 14}, "gridcolor": "#eeeeee", "domain": [0.5, 0.86], "range": loss_range,
               "exponentformat": "power", **(_log_ticks(loss_range) if log_y else {})},
        yaxis3={"title": "accuracy", "overlaying": "y", "side": "right", "range": [0, 1.02], "tickformat": ".0%",
                "tickvals": [0, 0.25, 0.5, 0.75, 1.0], "tickfont": {"size": 14}, "showgrid": False},
        yaxis2={"title": "norm (log)", "type": "log", "tickfont": {"size": 14}, "gridcolor": "#eeeeee",
                "exponentformat": "power", "domain": [0.0, 0.36], "range": norm_range, **_log_ticks(norm_range)},
        showlegend=interactive, legend={**legend, "y": 0.93, "x": 0, "xanchor": "left"},
        legend2={**legend, "y": -0.1, "yanchor": "top", "x": 0, "xanchor": "left"},
        shapes=markers["shapes"], annotations=markers["annotations"] + titles,
    ))


# --- the output over the plane ---------------------------------------------------------------------------


def _points(X: np.ndarray, key: np.ndarray, *, test: bool, classes: int | None, colour_range: float = 1.0) -> list:
    """The data as markers: filled for training samples, hollow for held-out ones; by class (colour and shape), or
    for regression coloured by target on the diverging scale."""
    which = "test" if test else "training"
    out = []
    if classes is None:
        out.append(go.Scatter(
            x=X[:, 0], y=X[:, 1], mode="markers", name=f"{which} samples",
            marker={"size": 9, "symbol": "circle-open" if test else "circle", "color": key, "colorscale": DIVERGING,
                    "cmin": -colour_range, "cmax": colour_range, "line": {"color": "black", "width": 2 if test else 1}},
            customdata=key, hovertemplate=f"{which} sample<br>x₁ %{{x:.2f}}, x₂ %{{y:.2f}}<br>"
                                          "target %{customdata:.3f}<extra></extra>"))
        return out
    for k in range(classes):
        mask = key == k
        symbol = CLASS_SYMBOLS[k] + ("-open" if test else "")
        out.append(go.Scatter(
            x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"class {k}, {which}",
            marker={"symbol": symbol, "size": 10 if test else 9, "color": CLASS_COLOURS[k],
                    "line": {"color": CLASS_COLOURS[k] if test else "white", "width": 2 if test else 1}},
            hovertemplate=f"class {k} ({which})<br>x₁ %{{x:.2f}}, x₂ %{{y:.2f}}<extra></extra>"))
    return out


def _colorbar(title: str) -> dict:
    """A colour bar under the plot, so that the plane keeps the column's width."""
    return {"title": {"text": title, "side": "top"}, "orientation": "h", "y": -0.2, "yanchor": "top",
            "thickness": 12, "len": 0.9, "tickfont": {"size": 12}}


def class_regions_rgb(P: np.ndarray) -> np.ndarray:
    """Softmax outputs P (S, R, K) as colours (S, R, 3): each point in its most likely class's colour, paler where
    the network is less sure (white where all K classes are equally likely)."""
    K = P.shape[-1]
    colours = np.array([[int(h[i:i + 2], 16) for i in (1, 3, 5)] for h in CLASS_COLOURS[:K]], dtype=np.float64)
    winner = np.nan_to_num(P, nan=0.0).argmax(axis=-1)
    sure = (np.nan_to_num(P.max(axis=-1), nan=1 / K) - 1 / K) / (1 - 1 / K)
    strength = 0.1 + 0.4 * np.clip(sure, 0.0, 1.0)[..., None]  # at most half: the points, in full colour, stand out
    return np.round(255.0 * (1 - strength) + colours[winner] * strength).astype(np.uint8)


def plane_rgb(out: np.ndarray, *, output: str, classes: int | None, value_range: float = 1.0) -> np.ndarray:
    """The output map (S, R, C) as colours (S, R, 3), row 0 at the smallest x₂: P(class 1) on a fixed 0–1 scale with
    the ½ boundary in black for a sigmoid (or identity) output with two classes, class regions for a softmax, the
    output on ±value_range for regression."""
    if output == "softmax":
        return class_regions_rgb(out)
    if classes is None:
        return diverging_rgb(out[..., 0], -value_range, value_range)
    z = out[..., -1]
    rgb = diverging_rgb(z, 0.0, 1.0)
    rgb[crossings(z)] = 0
    return rgb


def output_figure(xs: np.ndarray, ys: np.ndarray, out: np.ndarray, *, output: str, title: str,
                  X_train: np.ndarray, key_train: np.ndarray, X_test: np.ndarray | None = None,
                  key_test: np.ndarray | None = None, classes: int | None = 2, value_range: float = 1.0,
                  interactive: bool = True) -> go.Figure:
    """The network's output over the input plane, with the data on it (training filled, test hollow).

    - out: (S, R, C) the output layer's map (backprop.planes.layer_maps) at xs (R,), ys (S,)
    - classes: K for classification (key_* are class labels), None for regression (key_* are targets)
    - a sigmoid (or identity) output with two classes: P(class 1) on a fixed 0–1 scale, white at ½, the
      boundary ½ drawn black; softmax: each point in its most likely class's colour, paler where less sure;
      regression: the output on a scale of ±value_range (the targets' largest size), white at 0
    The plane is one image (cheap to redraw many times a second while training plays); a coarse invisible grid
    gives its values on hover, and a colour bar the scale, unless ``interactive`` is False (while training plays,
    when nothing is hovered and the scale does not change: both come back when paused).
    """
    dx, dy = float(xs[1] - xs[0]), float(ys[1] - ys[0])
    x0, x1, y0, y1 = float(xs[0]) - dx / 2, float(xs[-1]) + dx / 2, float(ys[0]) - dy / 2, float(ys[-1]) + dy / 2
    image = {"source": png_uri(np.ascontiguousarray(plane_rgb(out, output=output, classes=classes,
                                                              value_range=value_range)[::-1])),
             "xref": "x", "yref": "y", "x": x0, "y": y1, "sizex": x1 - x0, "sizey": y1 - y0, "sizing": "stretch",
             "xanchor": "left", "yanchor": "top", "layer": "below"}
    step = max(1, len(xs) // 30)
    hover = "x₁ %{x:.2f}, x₂ %{y:.2f}<br>"
    coarse = out[::step, ::step]
    if output == "softmax":
        traces: list = [go.Heatmap(
            x=xs[::step], y=ys[::step], z=coarse.max(axis=-1), customdata=coarse.argmax(axis=-1), opacity=0,
            showscale=False, hovertemplate=hover + "most likely: class %{customdata}, p = %{z:.3f}<extra></extra>")]
    else:
        z = coarse[..., 0] if classes is None else coarse[..., -1]
        lo, hi, name = (-value_range, value_range, "output") if classes is None else \
            (0.0, 1.0, "P(class 1)" if output == "sigmoid" else "output")
        traces = [go.Heatmap(x=xs[::step], y=ys[::step], z=z, opacity=0, showscale=False,
                             hovertemplate=hover + "output %{z:.3f}<extra></extra>", name="values"),
                  go.Scatter(x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=False,
                             marker={"colorscale": DIVERGING, "cmin": lo, "cmax": hi, "color": [lo], "showscale": True,
                                     "colorbar": {**_colorbar(name), **({} if classes is None else
                                                                         {"tickvals": [0, 0.25, 0.5, 0.75, 1]})}})]
    if not interactive:  # while playing: no hover grid, and no colour bar (the same at every frame)
        traces = []
    traces += _points(X_train, key_train, test=False, classes=classes, colour_range=value_range)
    if X_test is not None and len(X_test):
        traces += _points(X_test, key_test, test=True, classes=classes, colour_range=value_range)
    return go.Figure(traces, layout=chart_layout(
        title, 500, margin={"l": 60, "r": 10, "t": 50, "b": 60}, showlegend=False, images=[image],
        xaxis={"title": "x₁", "tickfont": {"size": 14}, "range": [x0, x1], "showgrid": False, "zeroline": False},
        yaxis={"title": "x₂", "tickfont": {"size": 14}, "range": [y0, y1], "showgrid": False, "zeroline": False},
    ))


def output_caption(output: str, classes: int | None, has_test: bool) -> str:
    """What the output map's colours and markers mean (the figure has no legend, to leave the plane its room)."""
    if classes is None:
        colours = "The background is the network's output; each point is coloured by its target on the same scale."
    elif output == "softmax":
        names = ["blue circles", "vermillion diamonds", "green squares", "purple triangles", "orange stars"]
        colours = ("Each point of the plane has the colour of the class the network finds most likely, paler where "
                   "it is less sure. Classes: " + ", ".join(f"{k} {names[k]}" for k in range(classes)) + ".")
    else:
        colours = ("The background is the output on a fixed scale from 0 (blue) to 1 (red), white at ½; the black "
                   "line is the decision boundary, output = ½. Class 0: blue circles, class 1: vermillion diamonds.")
    return colours + (" Filled markers are training points, hollow ones held-out test points." if has_test else "")


# --- the network as a picture ----------------------------------------------------------------------------

#: The colour scale of a unit's picture per activation: (low, high) of its values, or None for ± the layer's
#: largest value (relu and identity are unbounded).
UNIT_RANGES = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": None, "identity": None}
UNIT = 0.84  # a unit's picture, in the figure's data units (one unit is 1 apart from the next)
PX = 40  # pixels per data unit in the network's image: about its size on screen in a half-width column
SPAN = 9.5  # the inputs' column to the output's, in the same units, whatever the depth
UNIT_PX = 38  # about how many pixels one unit of height gets in the picture's half-width column at 1400 px


def line_px(level: int) -> float:
    """A weight's line width in pixels for its size level 0 … 5 (|w| in sixths of the largest |w|)."""
    return 0.6 + 1.1 * level


def weight_level(w: float, largest: float) -> int:
    """A weight's size level 0 … 5: |w| in sixths of the largest |w| of the network (5 for the largest)."""
    return int(min(5, np.floor(6 * abs(w) / largest)))


def line_colour(positive: bool, level: int) -> tuple[int, int, int]:
    """A weight's line colour: red for positive, blue for negative (the ends of the diverging scale), paler for
    smaller |w| (blended with white, as a line of opacity 0.35 … 0.85 on white)."""
    end = np.array([178, 24, 43] if positive else [33, 102, 172], dtype=np.float64)
    opacity = 0.35 + 0.1 * level
    return tuple(int(round(v)) for v in opacity * end + (1 - opacity) * 255.0)


def colour_range(activation: str, A: np.ndarray) -> tuple[float, float]:
    """The colour scale (low, high) of a unit's picture: UNIT_RANGES' fixed one, or ± the largest |value| of A."""
    fixed = UNIT_RANGES.get(activation)
    if fixed is not None:
        return fixed
    finite = np.abs(A[np.isfinite(A)])
    top = float(finite.max()) if finite.size else 1.0
    return (-top, top) if top > 0 else (-1.0, 1.0)


def column_y(count: int) -> np.ndarray:
    """The heights of a column of ``count`` units, centred on 0, one apart, the first at the top."""
    return (count - 1) / 2 - np.arange(count)


def network_figure(Ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], maps: Sequence[np.ndarray],
                   input_maps: np.ndarray, *, hidden: str, output: str, title: str,
                   interactive: bool = True) -> go.Figure:
    """Every unit as a small picture of its activation over the input plane, joined by lines for the weights
    (red positive, blue negative, thicker for larger |w|).

    - Ws, bs: the network's weights W_l (sizes[l−1], sizes[l]) and biases
    - maps: [A_1, …, A_L], A_l (S, R, sizes[l]) from backprop.planes.layer_maps; input_maps (S, R, 2): x₁ and x₂
    - each picture's colour scale: sigmoid and softmax 0 … 1, tanh −1 … 1, relu and identity ± the layer's
      largest value; white is the middle of the scale, as in the output map
    - interactive: invisible markers give each unit and weight on hover (left out while training plays)
    """
    sizes = [input_maps.shape[-1], *(W.shape[1] for W in Ws)]
    column = SPAN / len(Ws)  # distance between layers
    columns = [input_maps, *maps]
    activations = ["input", *([hidden] * (len(Ws) - 1)), output]
    ys = [column_y(n) for n in sizes]
    top = max(sizes) / 2
    left_x, top_y = -UNIT, top
    # The whole drawing is one image (the browser redraws one image far faster than a trace per group of lines and
    # an image per unit): weights first, drawn at twice the size and scaled down for smooth edges, the thickest last,
    # then every unit's picture. PX pixels per unit of the figure's coordinates.
    size = (int(np.ceil((SPAN + 2 * UNIT) * PX)), int(np.ceil((2 * top + 0.2) * PX)))

    def at(x: float, y: float, scale: int = 1) -> tuple[float, float]:
        return (x - left_x) * PX * scale, (top_y + 0.1 - y) * PX * scale

    largest = max((float(np.abs(W[np.isfinite(W)]).max()) for W in Ws if np.isfinite(W).any()), default=1.0) or 1.0
    lines, mid_x, mid_y, mid_text = [], [], [], []
    for l, W in enumerate(Ws, start=1):
        x0, x1 = (l - 1) * column + UNIT / 2, l * column - UNIT / 2
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                if not np.isfinite(w):
                    continue
                level = weight_level(w, largest)
                y0, y1 = float(ys[l - 1][i]), float(ys[l][j])
                lines.append((level, w >= 0, (x0, y0), (x1, y1)))
                mid_x.append(x0 + (x1 - x0) * 0.3)
                mid_y.append(y0 + (y1 - y0) * 0.3)
                mid_text.append(f"W{l}[{i + 1}, {j + 1}] = {short(w, 3)}")
    big = Image.new("RGB", (size[0] * 2, size[1] * 2), (255, 255, 255))
    pen = ImageDraw.Draw(big)
    for level, positive, start, end in sorted(lines, key=lambda line: line[0]):
        pen.line([at(*start, 2), at(*end, 2)], fill=line_colour(positive, level),
                 width=max(1, round(2 * line_px(level))))
    drawing = big.resize(size, Image.Resampling.LANCZOS)
    side = int(round(UNIT * PX))
    unit_x, unit_y, unit_text = [], [], []
    for c, (A, act, y_c) in enumerate(zip(columns, activations, ys, strict=True)):
        lo, hi = colour_range("identity" if act == "input" else act, A)
        rgb = diverging_rgb(A[::-1], lo, hi)  # the plane's top row (largest x₂) first, as an image is drawn
        for u in range(sizes[c]):
            tile = Image.fromarray(np.ascontiguousarray(rgb[:, :, u])).resize((side, side), Image.Resampling.BILINEAR)
            corner = at(c * column - UNIT / 2, float(y_c[u]) + UNIT / 2)
            drawing.paste(tile, (int(round(corner[0])), int(round(corner[1]))))
            unit_x.append(c * column)
            unit_y.append(float(y_c[u]))
            if act == "input":
                unit_text.append(f"input x{'₁₂'[u]}<br>colour: −{short(hi, 2)} … {short(hi, 2)}")
            else:
                layer = "output" if c == len(Ws) else f"hidden layer {c}"
                unit_text.append(f"{layer}, unit {u + 1}<br>{act}(Z), b = {short(bs[c - 1][u], 3)}"
                                 f"<br>colour: {short(lo, 2)} … {short(hi, 2)}")
    images = [{"source": png_uri(np.asarray(drawing)), "xref": "x", "yref": "y", "x": left_x, "y": top_y + 0.1,
               "sizex": size[0] / PX, "sizey": size[1] / PX, "xanchor": "left", "yanchor": "top",
               "sizing": "stretch", "layer": "below"}]
    traces = []
    if interactive:
        traces.append(go.Scatter(x=mid_x, y=mid_y, mode="markers", marker={"size": 8, "opacity": 0}, text=mid_text,
                                 hovertemplate="%{text}<extra></extra>", showlegend=False, name="weights"))
        traces.append(go.Scatter(x=unit_x, y=unit_y, mode="markers", marker={"size": 30, "opacity": 0},
                                 text=unit_text, hovertemplate="%{text}<extra></extra>", showlegend=False,
                                 name="units"))
    heads = ["input", *[f"hidden {l}<br>{W.shape[1]} {hidden}" for l, W in enumerate(Ws[:-1], start=1)],
             f"output<br>{output}"]
    notes = [{"x": c * column, "y": top + 0.1, "xref": "x", "yref": "y", "text": text, "showarrow": False,
              "yanchor": "bottom", "font": {"size": 13}} for c, text in enumerate(heads)]
    height = 70 + UNIT_PX * (max(sizes) + 1.6)
    return go.Figure(traces, layout=chart_layout(
        title, height, margin={"l": 10, "r": 10, "t": 50, "b": 10}, images=images, annotations=notes,
        xaxis={"visible": False, "range": [-UNIT, SPAN + UNIT], "fixedrange": True},
        yaxis={"visible": False, "range": [-top, top + 1.1], "fixedrange": True, "scaleanchor": "x"},
        hovermode="closest",
    ))


def delta_heatmap(delta: np.ndarray, *, layer: int, unit_name: str) -> go.Figure:
    """δ_lᵀ (units × samples): one row per unit, one column per training sample, on the zero-centred scale.

    Far more columns than a cell can label: the values are on hover, and the rows are kept low.
    """
    from dashboard.figures import matrix_heatmap

    fig = matrix_heatmap(delta.T, title=f"δ{layer}ᵀ = (∂L/∂Z{layer})ᵀ, one column per training sample",
                         row_name=unit_name, col_name="sample", symbol=f"δ{layer}ᵀ", compact=True)
    fig.layout.height = 150 + 26 * delta.shape[1]
    return fig
