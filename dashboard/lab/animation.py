"""Play in the browser: a finished run's kept epochs as frames the browser plays, built once per run and sent once,
so that playing asks nothing of the server.

A frame is one kept epoch of the run (a Snapshot: the lab keeps about a hundred, TrainConfig.snapshots), named by
its epoch. Each animated chart is an Animation: a Plotly figure drawn once, and for every frame the few things of
its layout that change, as a patch for plotly.js's Plotly.relayout (which redraws only what a patch names: an
image, a shape, an annotation, the title). The player (dashboard.lab.player) applies one patch per chart per frame.
What changes is only ever layout, never traces: plotly.js recomputes every trace of a figure whenever one trace
changes, which costs a headless browser tens of milliseconds a frame, while a patch of layout costs it a few.

- network_animation: every unit's picture over the input plane, all in one small image per frame, and the weights
  as one path per sign and size of weight (red positive, blue negative, thicker for larger |w|);
- output_animation: the network's output over the plane, one image per frame, under the data (drawn once); for the
  assignment's one sample, outputs_animation: its outputs as bars beside their targets;
- curves_animation: the run's curves, drawn once for every epoch, with the dotted epoch marker and its label at the
  frame's epoch, dots at the values there, and a white cover over the epochs after it, so that the curves grow as
  it plays.

Pictures are PNGs of at most PALETTE colours: a few kilobytes a frame.
"""
from __future__ import annotations

import base64
import copy
import functools
import gzip
import io
import json
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from backprop.network import predict
from backprop.planes import crossings, layer_maps, plane
from backprop.reading import Curves, curves
from backprop.runs import Run
from dashboard.figures import SERIES, SharedFigure
from dashboard.lab import plots
from dashboard.numbers import row, short

#: Pixels along each side of a unit's picture in a frame (the browser scales it up smoothly).
TILE = 20
#: Grid points along each side of the output map in a frame.
OUTPUT_RESOLUTION = 120
#: Colours in a frame's picture: a palette PNG is about a third of the size of a full-colour one.
PALETTE = 64


def trained(run: Run) -> None:
    """Raise ValueError unless ``run`` has been trained (a run at epoch 0 has nothing to play)."""
    if run.history is None:
        raise ValueError("run has no history: train it (backprop.runs.train_config) before building its frames")


def frame_numbers(run: Run) -> Curves:
    """The curves' values at each kept epoch of ``run`` (F of them, so every array is (F,), its epochs the kept
    ones): the run JSON's values at those epochs."""
    trained(run)
    c = curves(run.history)
    epochs = np.asarray(run.snapshot_epochs, dtype=np.int64)
    at = epochs - int(c.epochs[0])

    def pick(series: np.ndarray | None) -> np.ndarray | None:
        return None if series is None else series[at]

    return Curves(epochs=epochs, train_loss=c.train_loss[at], test_loss=pick(c.test_loss),
                        train_accuracy=pick(c.train_accuracy), test_accuracy=pick(c.test_accuracy),
                        grad_norms={name: series[at] for name, series in c.grad_norms.items()})


def png_uri(image: Image.Image, **options) -> str:
    """A data: URI of ``image`` as a PNG (``options`` for PIL's PNG writer, e.g. transparency)."""
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=6, **options)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def palette_png_uri(rgb: np.ndarray) -> str:
    """A data: URI of ``rgb`` (H, W, 3) uint8 as a PNG of at most PALETTE colours, row 0 at the top."""
    return png_uri(Image.fromarray(np.ascontiguousarray(rgb)).quantize(PALETTE))


#: A picture's colours on the diverging scale: white (the drawing's background), then SCALE_LEVELS steps of the
#: scale from its low end to its high end, then the light grey of a value that is not finite and the black of a
#: decision boundary.
SCALE_LEVELS = PALETTE - 3
SCALE_PALETTE = np.vstack([[255, 255, 255], plots.diverging_rgb(np.linspace(0.0, 1.0, SCALE_LEVELS), 0.0, 1.0),
                           [200, 200, 200], [0, 0, 0]]).astype(np.uint8)
BOUNDARY = SCALE_LEVELS + 2


def scale_indices(values: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """``values`` as indices into SCALE_PALETTE: 1 … SCALE_LEVELS from ``lo`` to ``hi`` (clipped), the last index
    where a value is not finite; the same colours as plots.diverging_rgb, in SCALE_LEVELS steps."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        t = np.clip((v - lo) / (hi - lo), 0.0, 1.0) if hi > lo else np.full(v.shape, 0.5)
    index = 1 + np.rint(np.nan_to_num(t, nan=0.5) * (SCALE_LEVELS - 1)).astype(np.uint8)
    index[~np.isfinite(v)] = SCALE_LEVELS + 1
    return index


def samples(run: Run) -> np.ndarray:
    """Every sample of ``run``, training then test, (N, 2): what the pictures over the plane must cover."""
    return run.data.X if run.test is None else np.vstack([run.data.X, run.test.X])


def run_plane(run: Run, resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """xs (R,), ys (R,): the grid the lab draws ``run``'s pictures on, half a unit beyond its samples (two around the
    assignment's one point, which has no spread of its own)."""
    margin = 2.0 if run.config.dataset in ("assignment", "example") else 0.5  # a few given points: room around them
    xs, ys, _ = plane(samples(run), resolution=resolution, margin=margin)
    return xs, ys


# --- the network -------------------------------------------------------------------------------------------


def network_sprite(maps: Sequence[np.ndarray], input_maps: np.ndarray, *, hidden: str, output: str) -> np.ndarray:
    """Every unit's picture in one image (H, W) of SCALE_PALETTE indices, each at its place in
    plots.network_figure's drawing, covering the same area, one grid point per pixel (the figure stretches it), on
    white.

    - maps: [A_1, …, A_L], A_l (R, R, sizes[l]) from backprop.planes.layer_maps; input_maps (R, R, 2): x₁ and x₂
    - colour scales as plots.network_figure's: sigmoid and softmax 0 … 1, tanh −1 … 1, relu and identity ± the
      layer's largest value
    """
    columns = [input_maps, *maps]
    R = input_maps.shape[0]
    if input_maps.shape[:2] != (R, R) or any(A.shape[:2] != (R, R) for A in maps):
        raise ValueError(f"maps must share one square grid; got input_maps {input_maps.shape} and maps "
                         f"{[A.shape for A in maps]}")
    sizes = [A.shape[-1] for A in columns]
    activations = ["identity", *([hidden] * (len(maps) - 1)), output]
    span = plots.SPAN / (len(sizes) - 1)
    top = max(sizes) / 2
    px = R / plots.UNIT  # pixels per unit of the figure's coordinates: a picture is R pixels wide
    width, height = int(np.ceil((plots.SPAN + 2 * plots.UNIT) * px)), int(np.ceil((2 * top + 0.2) * px))
    sprite = np.zeros((height, width), dtype=np.uint8)  # SCALE_PALETTE's white
    for c, (A, act) in enumerate(zip(columns, activations, strict=True)):
        lo, hi = plots.colour_range(act, A)
        index = scale_indices(A[::-1], lo, hi)  # the plane's top row (largest x₂) first, as an image is drawn
        for u, y in enumerate(plots.column_y(sizes[c])):
            left = int(round((c * span - plots.UNIT / 2 + plots.UNIT) * px))
            upper = int(round((top + 0.1 - y - plots.UNIT / 2) * px))
            sprite[upper:upper + R, left:left + R] = index[:, :, u]
    return sprite


def scale_png_uri(index: np.ndarray, *, see_through: bool = False) -> str:
    """A picture of SCALE_PALETTE indices (H, W), row 0 at the top, as a PNG data: URI; ``see_through``: its white
    background (index 0) transparent."""
    image = Image.fromarray(np.ascontiguousarray(index), mode="P")
    image.putpalette(SCALE_PALETTE.ravel().tolist())
    return png_uri(image, **({"transparency": 0} if see_through else {}))


# --- a figure and its frames -----------------------------------------------------------------------------

#: How many figures at one epoch an Animation keeps (Animation.at).
KEPT_FIGURES = 4
_KEEPING = threading.Lock()
_PART = re.compile(r"([A-Za-z0-9_]+)(?:\[(\d+)\])?")


def _parts(path: str) -> list[tuple[str, int | None]]:
    out = []
    for part in path.split("."):
        match = _PART.fullmatch(part)
        if match is None:
            raise ValueError(f"patch path {path!r}: {part!r} is not a name or a name[index]")
        out.append((match.group(1), None if match.group(2) is None else int(match.group(2))))
    return out


def apply_patch(layout: dict, patch: dict) -> dict:
    """A copy of ``layout`` with ``patch`` applied as Plotly.relayout applies it: each key a path of attribute names,
    dotted, with [i] for an item of a list ("images[1].source", "title.text"), each value what it becomes."""
    out = copy.deepcopy(layout)
    for path, value in patch.items():
        node = out
        parts = _parts(path)
        for depth, (name, index) in enumerate(parts):
            last = depth == len(parts) - 1
            if index is None:
                if last:
                    node[name] = value
                else:
                    node = node.setdefault(name, {})
            elif last:
                node[name][index] = value
            else:
                node = node[name][index]
    return out


def get_path(layout: dict, path: str):
    """The value at ``path`` (as apply_patch reads it) in ``layout``."""
    node = layout
    for name, index in _parts(path):
        node = node[name] if index is None else node[name][index]
    return node


@dataclass(frozen=True, eq=False)
class Animation:
    """A Plotly figure and, for every kept epoch of a run, the patches of its layout that show that epoch.

    - data, layout: the figure (plain dicts; arrays may be numpy arrays) at rest on its last frame
    - frames: one per kept epoch, in order: {"name": the epoch as text, "patch": {path: value} that every frame
      applies (pictures: cheap for plotly.js to redraw), "rest": {path: value} applied once the player rests on
      the frame (what would cost a frame too much to redraw: titles, labels placed on axes)}; every frame names
      the same paths
    - moving: the patch applied when the player starts to move (what only "rest" patches keep right says so, or
      hides)
    """

    data: list[dict]
    layout: dict
    frames: list[dict]
    moving: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict, repr=False)  # at()'s last few figures, by epoch

    @property
    def names(self) -> list[str]:
        return [f["name"] for f in self.frames]

    def frame(self, epoch: int) -> dict:
        """The frame of ``epoch``; ValueError, naming the kept epochs, if it has none."""
        for f in self.frames:
            if f["name"] == str(epoch):
                return f
        raise ValueError(f"epoch {epoch} is not a kept epoch of this run; kept: {', '.join(self.names)}")

    def at(self, epoch: int) -> go.Figure:
        """The figure at rest on frame ``epoch``: what the page draws under the player. The last few are kept (a class
        opening the lab asks for the same one); nothing may change them."""
        kept = self.figures.get(epoch)
        if kept is None:
            kept = self.figure(epoch, validate=False)
            with _KEEPING:  # sessions run in threads: one at a time drops the oldest
                while len(self.figures) >= KEPT_FIGURES:
                    self.figures.pop(next(iter(self.figures)))
                self.figures[epoch] = kept
        return kept

    def figure(self, epoch: int, *, validate: bool = True) -> go.Figure:
        """The figure at rest on frame ``epoch``, built afresh. With ``validate`` False, a SharedFigure that plotly
        does not validate (plotly's ``_validate=False``; the network's takes 80 ms to validate and 1 ms not to):
        the frames change only values at paths every frame has, and the tests hold it equal to the validated one."""
        frame = self.frame(epoch)
        layout = apply_patch(self.layout, {**frame["patch"], **frame["rest"]})
        if validate:
            return go.Figure(self.data, layout)
        return SharedFigure(copy.deepcopy(self.data), layout, _validate=False)

    def browser_frames(self) -> dict:
        """The frames as the player applies them: {"moving": patch, "frames": [{"name", "patch", "rest"}, ...]} in
        plain JSON (numbers as Python floats, never NaN)."""
        def plain(patch):
            return {k: _json_value(v) for k, v in patch.items()}
        return {"moving": plain(self.moving),
                "frames": [{"name": f["name"], "patch": plain(f["patch"]), "rest": plain(f["rest"])}
                           for f in self.frames]}


def _json_value(value):
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        raise ValueError(f"a frame's patch holds {value}, which JSON cannot carry")
    return value


def changed(before: dict, after: dict, prefix: str = "") -> dict:
    """The patch that turns layout ``before`` into ``after``, where ``after`` has the same lists (of the same
    lengths) and keys: every leaf whose value differs, by its path."""
    patch = {}
    for key, new in after.items():
        old = before.get(key)
        path = f"{prefix}{key}"
        if isinstance(new, dict) and isinstance(old, dict):
            patch |= changed(old, new, path + ".")
        elif isinstance(new, list) and isinstance(old, list) and len(new) == len(old) and new \
                and all(isinstance(v, dict) for v in new):
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                patch |= changed(a, b, f"{path}[{i}].")
        elif new != old:
            patch[path] = new
    return patch


def same_paths(patches: list[dict], layout: dict) -> list[dict]:
    """``patches`` each naming every path some of them names, a path one leaves out given ``layout``'s value: the
    player may go from any frame to any other, and each must set everything that moves."""
    paths = {path: None for patch in patches for path in patch}
    return [{path: patch[path] if path in patch else get_path(layout, path) for path in paths} for patch in patches]


def svg_uri(svg: str) -> str:
    """A data: URI of an SVG document."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _n(v: float) -> str:
    """A coordinate in an SVG drawing of 1000 units: one decimal at most."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


def svg_drawing(width: float, height: float, body: str) -> str:
    """An SVG of ``width`` × ``height`` units that a figure stretches over its image's box, whatever that box's
    shape: strokes keep their width in pixels (vector-effect), so that lines, dashes and round dots stay true."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
            f'preserveAspectRatio="none" fill="none" stroke-linecap="round">{body}</svg>')


# --- the network -------------------------------------------------------------------------------------------

#: The weights' paths: one per sign and size level, thin first, so that the thickest are drawn on top.
LINE_GROUPS = [(positive, level) for level in range(6) for positive in (False, True)]
#: SVG units per unit of the network figure's coordinates.
NET_SVG = 100


def weights_svg(Ws: Sequence[np.ndarray]) -> str:
    """The weights as lines, an SVG over the area plots.network_figure's picture covers: W_l[i, j] runs from unit i
    of column l − 1 to unit j of column l, red for positive, blue for negative, thicker and darker for larger |w|
    (plots.line_colour, plots.line_px). A weight that is not finite is left out."""
    sizes = [Ws[0].shape[0], *(W.shape[1] for W in Ws)]
    span = plots.SPAN / len(Ws)
    top = max(sizes) / 2
    ys = [[_n((top + 0.1 - y) * NET_SVG) for y in plots.column_y(n)] for n in sizes]
    finite = [np.abs(W[np.isfinite(W)]) for W in Ws]
    largest = max((float(f.max()) for f in finite if f.size), default=1.0) or 1.0
    segments: dict[tuple[bool, int], list[str]] = {g: [] for g in LINE_GROUPS}
    for l, W in enumerate(Ws, start=1):
        x0 = _n(((l - 1) * span + plots.UNIT / 2 + plots.UNIT) * NET_SVG)
        x1 = _n((l * span - plots.UNIT / 2 + plots.UNIT) * NET_SVG)
        for i, j in zip(*np.nonzero(np.isfinite(W)), strict=True):
            w = float(W[i, j])
            segments[(w >= 0, plots.weight_level(w, largest))].append(f"M{x0} {ys[l - 1][i]}L{x1} {ys[l][j]}")
    paths = "".join(
        f'<path d="{"".join(segments[g])}" stroke="rgb({",".join(str(v) for v in plots.line_colour(*g))})" '
        f'stroke-width="{plots.line_px(g[1]):g}" vector-effect="non-scaling-stroke"/>'
        for g in LINE_GROUPS if segments[g])
    return svg_drawing((plots.SPAN + 2 * plots.UNIT) * NET_SVG, (2 * top + 0.2) * NET_SVG, paths)


#: The charts' titles while the player moves: the epoch is the player's, written beside its buttons. (A title
#: redrawn at every frame would cost plotly.js more than the frame's pictures.)
PLAYING_NETWORK, PLAYING_OUTPUT, PLAYING_OUTPUTS = "The network, as it plays", "Output, as it plays", \
    "Outputs, as they play"


def network_title(epoch: int) -> str:
    return f"The network at epoch {epoch}"


def network_animation(run: Run, *, tile: int = TILE) -> Animation:
    """``run``'s network at every kept epoch, laid out as plots.network_figure draws it: the weights as lines (one SVG
    picture per frame) under the units' pictures (tile × tile grid points each, one PNG per frame)."""
    trained(run)
    xs, ys = run_plane(run, tile)
    input_maps = np.stack(np.meshgrid(xs, ys), axis=-1)
    c = run.config
    frames = []
    for snap in run.history.snapshots:
        sprite = network_sprite(layer_maps(snap.params, xs, ys), input_maps, hidden=c.hidden, output=c.output)
        frames.append({"name": str(snap.epoch), "rest": {"title.text": network_title(snap.epoch)},
                       "patch": {"images[0].source": svg_uri(weights_svg(snap.params.Ws)),
                                 "images[1].source": scale_png_uri(sprite, see_through=True)}})
    last = run.history.snapshots[-1].params
    base = plots.network_figure(last.Ws, last.bs, layer_maps(last, xs, ys), input_maps, hidden=c.hidden,
                                output=c.output, title="", interactive=False)
    layout = base.layout.to_plotly_json()
    box = layout["images"][0]
    # the lines below, the units' pictures above them, over the lines' ends (two layers: one box, one key per layer)
    layout["images"] = [{**box, "layer": "below"}, {**box, "layer": "above"}]
    last = frames[-1]
    return Animation([], apply_patch(layout, {**last["patch"], **last["rest"]}), frames,
                     {"title.text": PLAYING_NETWORK})


# --- the output --------------------------------------------------------------------------------------------


def output_title(epoch: int) -> str:
    return f"Output at epoch {epoch}"


def targets_spread(run: Run) -> float:
    """The largest |target| of ``run``'s samples: the half-width of a regression output's colour scale."""
    y = run.data.y if run.test is None else np.concatenate([run.data.y, run.test.y])
    return float(np.abs(y).max())


def output_uri(out: np.ndarray, *, output: str, classes: int | None, value_range: float) -> str:
    """The output map (S, R, C) as plots.plane_rgb colours it, as a PNG data: URI (row 0 at the top): on the
    diverging scale with its decision boundary in black (SCALE_PALETTE's steps), or, for a softmax's class regions,
    in PALETTE colours chosen for it."""
    if output == "softmax":
        return palette_png_uri(plots.plane_rgb(out, output=output, classes=classes)[::-1])
    if classes is None:
        index = scale_indices(out[..., 0], -value_range, value_range)
    else:
        z = out[..., -1]
        index = scale_indices(z, 0.0, 1.0)
        index[crossings(z)] = BOUNDARY
    return scale_png_uri(index[::-1])


def output_animation(run: Run, *, resolution: int = OUTPUT_RESOLUTION) -> Animation:
    """``run``'s output over the plane at every kept epoch, one image per frame, under its data drawn once
    (plots.output_figure, without its hover grid, which would give one epoch's values at every frame)."""
    trained(run)
    c = run.config
    xs, ys = run_plane(run, resolution)
    spread = targets_spread(run)
    frames = []
    for snap in run.history.snapshots:
        uri = output_uri(layer_maps(snap.params, xs, ys)[-1], output=c.output, classes=c.classes, value_range=spread)
        frames.append({"name": str(snap.epoch), "rest": {"title.text": output_title(snap.epoch)},
                       "patch": {"images[0].source": uri}})

    def key(data):
        return data.y[:, 0] if c.classes is None else data.labels

    last = run.history.snapshots[-1].params
    base = plots.output_figure(
        xs, ys, layer_maps(last, xs, ys)[-1], output=c.output, title="", X_train=run.data.X,
        key_train=key(run.data), X_test=None if run.test is None else run.test.X,
        key_test=None if run.test is None else key(run.test), classes=c.classes, value_range=spread)
    fig = base.to_plotly_json()
    data = [t for t in fig["data"] if t["type"] != "heatmap"]
    last = frames[-1]
    return Animation(data, apply_patch(fig["layout"], {**last["patch"], **last["rest"]}), frames,
                     {"title.text": PLAYING_OUTPUT})


def outputs_title(epoch: int, target: np.ndarray) -> str:
    return f"Outputs at epoch {epoch} (target {row(target)})"


def outputs_animation(run: Run) -> Animation:
    """The outputs A_L of ``run``'s first sample (the assignment's one) at every kept epoch, as bars (an SVG picture
    over the plot) beside marks at their targets, each bar labelled with its value once the player rests."""
    trained(run)
    X, target = run.data.X[:1], run.data.y[0]
    C = target.size
    top = max(1.0, float(np.nanmax(np.abs(target)))) * 1.25
    lo = -top / 5

    def height(v: float) -> float:  # SVG units (1000 over the plot's height) from the top
        return 1000 * (top - float(np.clip(v, lo, top))) / (top - lo)

    frames = []
    for snap in run.history.snapshots:
        A = predict(snap.params, X)[0]
        bars = "".join(f'<rect x="{_n(1000 * (k + 0.2) / C)}" width="{_n(600 / C)}" '
                       f'y="{_n(min(height(a), height(0)))}" height="{_n(abs(height(a) - height(0)))}" '
                       f'fill="{SERIES[0]}"/>' for k, a in enumerate(A))
        rest = {"title.text": outputs_title(snap.epoch, target)}
        for k, a in enumerate(A):
            rest |= {f"annotations[{k}].y": float(a), f"annotations[{k}].text": short(float(a), 3),
                     f"annotations[{k}].visible": True}
        frames.append({"name": str(snap.epoch), "rest": rest,
                       "patch": {"images[0].source": svg_uri(svg_drawing(1000, 1000, bars))}})
    marks = {"type": "scatter", "x": np.arange(C, dtype=np.float64), "y": target.astype(np.float64),
             "mode": "markers", "name": "target", "hovertemplate": "output %{x}: target %{y:.4g}<extra></extra>",
             "marker": {"symbol": "line-ew-open", "size": 60, "line": {"width": 3, "color": SERIES[1]}}}
    labels = [{"x": k, "y": 0.0, "xref": "x", "yref": "y", "text": "", "showarrow": False, "yanchor": "bottom",
               "yshift": 4, "font": {"size": 16}, "visible": True} for k in range(C)]
    layout = plots.chart_layout(
        "", 500, margin={"l": 60, "r": 10, "t": 50, "b": 60}, showlegend=True, annotations=labels,
        images=[{"source": "", "xref": "x domain", "yref": "y domain", "x": 0, "y": 1, "sizex": 1, "sizey": 1,
                 "xanchor": "left", "yanchor": "top", "sizing": "stretch", "layer": "below"}],
        legend={"orientation": "h", "y": -0.12, "x": 0, "font": {"size": 13}},
        xaxis={"tickvals": list(range(C)), "ticktext": [f"output {k + 1}" for k in range(C)], "range": [-0.5, C - 0.5],
               "tickfont": {"size": 14}},
        yaxis={"title": {"text": "A"}, "range": [lo, top], "tickfont": {"size": 14}, "gridcolor": "#eeeeee"})
    moving = {"title.text": PLAYING_OUTPUTS, **{f"annotations[{k}].visible": False for k in range(C)}}
    last = frames[-1]
    return Animation([marks], apply_patch(layout, {**last["patch"], **last["rest"]}), frames, moving)


# --- the curves ------------------------------------------------------------------------------------------


def curve_marks(epoch: int, diverged_at: int | None, best_test_epoch: int | None) -> list[tuple[int | None, str, str]]:
    """The curves' dotted markers, as plots.curves_figure marks them: the epoch shown, a divergence, the lowest test
    loss."""
    return [(epoch, f"epoch {epoch}", plots.MARK_GREY),
            (diverged_at, f"diverged at epoch {diverged_at}", plots.MARK_RED),
            (best_test_epoch, f"lowest test loss, epoch {best_test_epoch}", plots.MARK_GREEN)]


#: A dot's diameter on the curves, in pixels.
DOT = 9


def _fraction(value: float, axis: dict) -> float | None:
    """Where ``value`` lies on ``axis`` (a layout axis with its range), 0 at its low end and 1 at its high end, or
    None if it is not on the axis (not finite, not positive on a log axis, or outside the range)."""
    lo, hi = (float(v) for v in axis["range"])
    if not np.isfinite(value) or (axis.get("type") == "log" and value <= 0):
        return None
    at = ((np.log10(value) if axis.get("type") == "log" else value) - lo) / (hi - lo)
    return at if 0 <= at <= 1 else None


def curves_animation(run: Run, *, log_y: bool = False, best_test_epoch: int | None = None) -> Animation:
    """``run``'s curves (plots.curves_figure, every epoch) and, over both panels at each frame, a picture of a white
    cover over the epochs after the frame's (so that the curves grow as it plays), the dotted epoch marker and a dot
    at each curve's value at that epoch. The marker's label is placed once the player rests."""
    trained(run)
    history = run.history
    end = run.epochs_done
    base = plots.curves_figure(curves(history), end_epoch=end, epoch=end, log_y=log_y,
                               diverged_at=history.diverged_at, best_test_epoch=best_test_epoch)
    layout = base.layout.to_plotly_json()
    top = float(layout["shapes"][0]["y1"])  # the markers reach from the foot of the lower panel to here (paper)
    x_lo, x_hi = (float(v) for v in layout["xaxis"]["range"])
    numbers = frame_numbers(run)
    panels = {name: (*layout[name]["domain"], layout[name]) for name in ("yaxis", "yaxis2")}
    panels["yaxis3"] = (*layout["yaxis"]["domain"], layout["yaxis3"])  # the accuracy axis overlays the loss axis
    series = [("yaxis", numbers.train_loss, SERIES[0]), ("yaxis", numbers.test_loss, SERIES[0]),
              ("yaxis3", numbers.train_accuracy, SERIES[1]), ("yaxis3", numbers.test_accuracy, SERIES[1]),
              *(("yaxis2", norms, colour) for norms, colour in zip(numbers.grad_norms.values(), plots.LAYER_COLOURS,
                                                                       strict=False))]
    series = [(axis, values, colour) for axis, values, colour in series if values is not None]
    marker = layout["shapes"][0]["line"]

    def overlay(k: int) -> str:
        e = float(numbers.epochs[k])
        x = 1000 * (e - x_lo) / (x_hi - x_lo)
        cover = min(1000.0, x + 6)  # just after the marker: the dots on it stay whole
        parts = [f'<rect x="{_n(cover)}" y="0" width="{_n(1000 - cover)}" height="1000" fill="white"/>',
                 f'<path d="M{_n(x)} 0V1000" stroke="{marker["color"]}" stroke-width="{marker["width"]}" '
                 f'stroke-dasharray="2 4" vector-effect="non-scaling-stroke"/>']
        for axis, values, colour in series:
            low, high, ax = panels[axis]
            at = _fraction(float(values[k]), ax)
            if at is not None:
                y = 1000 * (top - (low + at * (high - low))) / top
                dot = f"M{_n(x)} {_n(y)}h0"
                parts.append(f'<path d="{dot}" stroke="white" stroke-width="{DOT + 3}" '
                             f'vector-effect="non-scaling-stroke"/><path d="{dot}" stroke="{colour}" '
                             f'stroke-width="{DOT}" vector-effect="non-scaling-stroke"/>')
        return svg_uri(svg_drawing(1000, 1000, "".join(parts)))

    # The epoch's marker is drawn in the picture; the divergence's and the lowest test loss's lines stay where they
    # are. The labels (the first annotations: the epoch's, then one per other mark) are placed once the player
    # rests, as plots.curves_figure places them at that epoch: a mark at the shown epoch shares its label
    # ("epoch 141 · diverged at epoch 141"), and its own label is hidden.
    def marks_at(e: int) -> list[tuple[int | None, str, str]]:
        return curve_marks(e, history.diverged_at, best_test_epoch)

    fixed = [m for m in marks_at(end)[1:] if m[0] is not None]
    labels = 1 + len(fixed)
    drawn = len(plots.epoch_markers(marks_at(end), end, top)["annotations"])
    shapes = plots.epoch_markers(fixed, end, top)["shapes"]
    if shapes:  # the divergence's and the lowest test loss's lines (no key at all without them, as plotly writes it)
        layout["shapes"] = shapes
    else:
        layout.pop("shapes", None)
    layout["annotations"] = [copy.deepcopy(layout["annotations"][0]) for _ in range(labels)] + \
        layout["annotations"][drawn:]
    domain = layout["xaxis"].get("domain", [0, 1])
    layout["images"] = [{"source": "", "xref": "paper", "yref": "paper", "x": domain[0], "y": top,
                         "sizex": domain[1] - domain[0], "sizey": top, "xanchor": "left", "yanchor": "top",
                         "sizing": "stretch", "layer": "above"}]
    template = layout["annotations"][0]

    def labels_at(e: int) -> list[dict]:
        placed = plots.epoch_markers(marks_at(e), end, top)["annotations"]
        out = [{**placed[0], "visible": True}]
        for _, text, _ in fixed:
            own = next((note for note in placed[1:] if text in note["text"]), None)
            out.append({**(own or template), "visible": own is not None})
        return out

    frames = []
    for k, epoch in enumerate(numbers.epochs):
        e = int(epoch)
        rest = {}
        for i, note in enumerate(labels_at(e)):
            rest |= {f"annotations[{i}].{key}": value for key, value in changed(template, note).items()}
        frames.append({"name": str(e), "patch": {"images[0].source": overlay(k)}, "rest": rest})
    rests = same_paths([f["rest"] for f in frames], {"annotations": [template] * labels})
    frames = [{**f, "rest": rest} for f, rest in zip(frames, rests, strict=True)]
    last = frames[-1]
    return Animation([t.to_plotly_json() for t in base.data], apply_patch(layout, {**last["patch"], **last["rest"]}),
                     frames, {"annotations[0].visible": False})


# --- everything Play sends ---------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Play:
    """What Play sends the browser for one run: its animated charts, by the key the page draws each under, and the
    kept epochs they share (the frames' names)."""

    charts: dict[str, Animation]
    epochs: list[int]

    @functools.cached_property
    def payload(self) -> bytes:
        """The frames as UTF-8 JSON for the player, written once: {"epochs": [...], "charts": {key: [frame, ...]}}."""
        charts = {key: a.browser_frames() for key, a in self.charts.items()}
        return json.dumps({"epochs": self.epochs, "charts": charts}, allow_nan=False, separators=(",", ":")).encode()

    @functools.cached_property
    def packed(self) -> bytes:
        """payload gzipped, as the player is sent it (about 40 % of the size: base64 pictures and SVG text pack
        well), made once."""
        return gzip.compress(self.payload, compresslevel=6, mtime=0)


def play_of(run: Run, *, log_y: bool = False, best_test_epoch: int | None = None) -> Play:
    """Every animated chart of ``run``: the network ("lab_network"), the output over the plane ("lab_output") or, for
    one sample (the assignment's, or a problem page's one-sample example), its outputs ("lab_outputs"), and the
    curves ("lab_curves")."""
    trained(run)
    charts = {"lab_network": network_animation(run)}
    if run.config.dataset == "assignment" or (run.config.dataset == "example" and run.data.n_samples == 1):
        charts["lab_outputs"] = outputs_animation(run)  # one sample: its outputs beside its targets, not a map
    else:
        charts["lab_output"] = output_animation(run)
    charts["lab_curves"] = curves_animation(run, log_y=log_y, best_test_epoch=best_test_epoch)
    return Play(charts, [int(e) for e in run.snapshot_epochs])


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, …, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def frames_caption(epochs: Sequence[int]) -> str:
    """What Play shows of a run whose kept epochs are ``epochs`` (ascending, from its first to its last): which
    epochs its frames are, and that they play in the browser."""
    epochs = [int(e) for e in epochs]
    first, last, n = epochs[0], epochs[-1], len(epochs)
    steps = sorted(set(np.diff(epochs).tolist()))
    if n == last - first + 1:
        which = f"all {n} epochs of the run, {first} to {last}"
    elif len(steps) == 1:
        which = f"{n} of the run's {last - first + 1} epochs, every {ordinal(steps[0])} from {first} to {last}"
    else:
        which = f"{n} of the run's {last - first + 1} epochs, {steps[0]} to {steps[-1]} apart, from {first} to {last}"
    return (f"Play shows {which}: the server sent these frames to your browser once, and they play there. The curves "
            "hold every epoch. When the player stops, the page below shows the backward pass at its epoch.")
