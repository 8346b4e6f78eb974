"""Tests of dashboard.lab.animation: what Play sends the browser is the run's own numbers and pictures at each kept
epoch, in few enough bytes, and the figure at rest on an epoch is the lab's figure at that epoch."""
import base64
import io
import json
import re
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from backprop.network import predict
from backprop.planes import layer_maps
from backprop.reading import curves
from backprop.runs import TrainConfig, train_config
from backprop.training import accuracy
from dashboard import exports
from dashboard.figures import SERIES
from dashboard.lab import animation, controls, plots


@pytest.fixture(scope="module")
def xor():
    return train_config(controls.preset_config("Learn XOR"))


@pytest.fixture(scope="module")
def xor_play(xor):
    return animation.play_of(xor)


def decoded(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


# --- the frames are the run's snapshots ------------------------------------------------------------------


@pytest.mark.parametrize("label", ["Learn XOR", "Overfitting", "Learning rate too large", "Assignment 5's network"])
def test_the_frames_are_the_runs_snapshots(label):
    """Loss, accuracy and every layer's gradient norm at each sent epoch are the snapshot's, and the run JSON's."""
    run = train_config(controls.preset_config(label))
    numbers = animation.frame_numbers(run)
    saved = json.loads(exports.run_json(run))
    snaps = run.history.snapshots
    assert numbers.epochs.tolist() == [s.epoch for s in snaps] == run.snapshot_epochs
    for k, snap in enumerate(snaps):
        e = snap.epoch
        assert close(numbers.train_loss[k], snap.loss), e
        assert same(numbers.train_loss[k], saved["train_loss"][e]), e
        for name, norms in numbers.grad_norms.items():
            with np.errstate(over="ignore", invalid="ignore"):
                assert close(norms[k], np.linalg.norm(snap.grads[name])), (e, name)
            assert same(norms[k], saved["grad_norms"][name][e]), (e, name)
        if numbers.train_accuracy is not None:
            A = predict(snap.params, run.data.X)
            assert numbers.train_accuracy[k] == accuracy(A, run.targets(run.data), softmax=run.config.loss == "ce")
            assert same(numbers.train_accuracy[k], saved["train_accuracy"][e]), e
        for name in ("test_loss", "test_accuracy"):
            if getattr(numbers, name) is not None:
                assert same(getattr(numbers, name)[k], saved[name][e]), (e, name)


def close(value: float, snapshot: float) -> bool:
    """The frame's number is the snapshot's (to 12 digits), or both are not finite (a diverged run's last)."""
    if not np.isfinite(snapshot):
        return not np.isfinite(value)
    return value == pytest.approx(snapshot, rel=1e-12)


def same(value: float, saved) -> bool:
    """A frame's number is the run JSON's (where JSON has null, the number is not finite)."""
    return bool(np.isnan(value)) if saved is None else value == saved


def overlay_marks(uri: str) -> dict:
    """The curves' moving picture read back: the marker's x, the cover's left edge and the dots (colour, x, y), in
    the picture's units (1000 across the x axis, 1000 down from the top of the panels)."""
    svg = decoded(uri).decode()
    marker = float(re.search(r'd="M([\d.]+) 0V1000"', svg).group(1))
    cover = float(re.search(r'<rect x="([\d.]+)"', svg).group(1))
    dots = [(colour, float(x), float(y)) for x, y, colour in
            re.findall(r'd="M([\d.]+) ([\d.]+)h0" stroke="(#[0-9A-Fa-f]{6})" stroke-width="9"', svg)]
    return {"marker": marker, "cover": cover, "dots": dots}


def value_at(y: float, low: float, high: float, top: float, axis: dict) -> float:
    """The value on ``axis`` (a panel from ``low`` to ``high`` in paper units) at height ``y`` of the picture."""
    at = ((top - y * top / 1000) - low) / (high - low)
    lo, hi = axis["range"]
    v = lo + at * (hi - lo)
    return 10 ** v if axis.get("type") == "log" else v


@pytest.mark.parametrize("label, log_y", [("Learn XOR", False), ("Overfitting", True), ("Vanishing gradients", False)])
def test_each_frame_of_the_curves_marks_the_run_json_numbers_at_its_epoch(label, log_y):
    """The sent frames, read back from their pictures: the marker at the frame's epoch, the curves covered after it,
    and a dot at every curve's value there: the run JSON's training and test loss and accuracy and each ‖∂L/∂W_l‖."""
    run = train_config(controls.preset_config(label))
    curves = animation.curves_animation(run, log_y=log_y)
    layout = curves.layout
    saved = json.loads(exports.run_json(run))
    top = layout["images"][0]["y"]
    x_lo, x_hi = layout["xaxis"]["range"]
    loss_panel, norm_panel = layout["yaxis"]["domain"], layout["yaxis2"]["domain"]
    sent = curves.browser_frames()["frames"]
    assert [f["name"] for f in sent] == [str(e) for e in run.snapshot_epochs]
    for frame in sent:
        e = int(frame["name"])
        marks = overlay_marks(frame["patch"]["images[0].source"])
        assert marks["marker"] == pytest.approx(1000 * (e - x_lo) / (x_hi - x_lo), abs=0.06)
        assert marks["cover"] > marks["marker"] or e == x_hi
        expected = [(SERIES[0], saved["train_loss"][e], "yaxis", loss_panel),
                    (SERIES[0], saved["test_loss"][e], "yaxis", loss_panel),
                    (SERIES[1], saved["train_accuracy"][e], "yaxis3", loss_panel),
                    (SERIES[1], saved["test_accuracy"][e], "yaxis3", loss_panel),
                    *((colour, saved["grad_norms"][name][e], "yaxis2", norm_panel)
                      for colour, name in zip(plots.LAYER_COLOURS, saved["grad_norms"], strict=False))]
        expected = [x for x in expected if x[1] is not None]
        assert len(marks["dots"]) == len(expected), e
        for (colour, x, y), (want_colour, value, axis, (low, high)) in zip(marks["dots"], expected, strict=True):
            assert colour == want_colour and x == marks["marker"]
            shown = value_at(y, low, high, top, layout[axis])
            span = layout[axis]["range"][1] - layout[axis]["range"][0]
            if layout[axis].get("type") == "log":
                assert np.log10(shown) == pytest.approx(np.log10(value), abs=3e-4 * span), (e, axis)
            else:
                assert shown == pytest.approx(value, abs=3e-4 * span), (e, axis)


def test_each_frame_of_the_network_draws_its_snapshots_units_and_weights(xor):
    """The sent pictures, read back: every hidden unit's picture has the colours of its activation over the plane at
    that epoch, and every weight is one line, coloured by its sign and drawn at its size's width."""
    net_frames = animation.network_animation(xor)
    xs, ys = animation.run_plane(xor, animation.TILE)
    layout = net_frames.layout
    for snap, frame in list(zip(xor.history.snapshots, net_frames.frames, strict=True))[::20]:
        sprite = np.asarray(Image.open(io.BytesIO(decoded(frame["patch"]["images[1].source"]))).convert("RGB"))
        A1 = layer_maps(snap.params, xs, ys)[0]
        px = animation.TILE / plots.UNIT
        span = plots.SPAN / len(snap.params.Ws)
        top = max(2, *(W.shape[1] for W in snap.params.Ws)) / 2
        for u, y in enumerate(plots.column_y(A1.shape[-1])):
            left = int(round((span - plots.UNIT / 2 + plots.UNIT) * px))
            upper = int(round((top + 0.1 - y - plots.UNIT / 2) * px))
            tile = sprite[upper:upper + animation.TILE, left:left + animation.TILE].astype(int)
            want = plots.diverging_rgb(A1[::-1, :, u], -1.0, 1.0).astype(int)  # tanh: −1 … 1
            assert np.abs(tile - want).max() <= 12, (snap.epoch, u)  # SCALE_LEVELS steps of the scale
        svg = decoded(frame["patch"]["images[0].source"]).decode()
        groups = re.findall(r'<path d="([^"]*)" stroke="rgb\((\d+),(\d+),(\d+)\)" stroke-width="([\d.]+)"', svg)
        drawn = {}
        for d, r, g, b, width in groups:
            drawn[((int(r), int(g), int(b)), float(width))] = d.count("M")
        largest = max(float(np.abs(W).max()) for W in snap.params.Ws)
        want = {}
        for W in snap.params.Ws:
            for w in W.ravel():
                level = plots.weight_level(float(w), largest)
                key = (plots.line_colour(w >= 0, level), round(plots.line_px(level), 3))
                want[key] = want.get(key, 0) + 1
        assert drawn == pytest.approx(want), snap.epoch
    assert layout["images"][0]["x"] == -plots.UNIT and layout["images"][1]["layer"] == "above"


def test_the_assignments_outputs_are_its_predictions(xor):
    run = train_config(controls.preset_config("Assignment 5's network"))
    outputs = animation.outputs_animation(run)
    for snap, frame in zip(run.history.snapshots, outputs.frames, strict=True):
        A = predict(snap.params, run.data.X)[0]
        assert [frame["rest"][f"annotations[{k}].y"] for k in range(A.size)] == A.tolist()
        assert frame["rest"]["title.text"] == f"Outputs at epoch {snap.epoch} (target (0, 1))"


# --- what travels --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", list(controls.PRESETS))
def test_a_play_through_of_a_lesson_is_at_most_120_frames_and_5_mb(label):
    play = animation.play_of(train_config(controls.preset_config(label)))
    assert len(play.epochs) <= 120
    assert len(play.payload) <= 5e6
    frames = json.loads(play.payload)
    for key, chart in frames["charts"].items():
        assert [f["name"] for f in chart["frames"]] == [str(e) for e in play.epochs], key


def test_the_largest_network_the_controls_allow_stays_under_5_mb():
    largest = replace(TrainConfig(), dataset="spirals", n_classes=5, output="softmax", loss="ce", n_samples=1000,
                      hidden_sizes=(controls.MAX_WIDTH,) * controls.MAX_LAYERS, epochs=controls.EPOCHS[-1])
    config, _ = controls.settle(largest)
    play = animation.play_of(train_config(config))
    assert len(play.epochs) <= 120 and len(play.payload) <= 5e6


def test_every_frame_sets_everything_that_moves(xor_play):
    """The player may go from any frame to any other: each names the same paths, and the figure at rest on a frame
    does not depend on where the player came from."""
    for key, chart in xor_play.charts.items():
        paths = {tuple(sorted(f["patch"])) for f in chart.frames}
        rests = {tuple(sorted(f["rest"])) for f in chart.frames}
        assert len(paths) == 1 and len(rests) == 1, key
        for path in chart.moving:
            assert path in chart.frames[0]["rest"], (key, path)


def test_the_curves_at_rest_are_the_labs_curves_at_that_epoch(xor):
    """The figure under the player is plots.curves_figure's at that epoch: the same traces, axes, marks and labels
    (its dotted epoch marker drawn in the frame's picture instead)."""
    run = train_config(controls.preset_config("Overfitting"))
    best = 10
    animated = animation.curves_animation(run, best_test_epoch=best)
    for epoch in (0, 400, run.epochs_done):
        at = animated.at(epoch).to_plotly_json()
        own = plots.curves_figure(curves(run.history), end_epoch=run.epochs_done, epoch=epoch,
                                  diverged_at=run.history.diverged_at, best_test_epoch=best).to_plotly_json()
        shown = [{k: v for k, v in a.items() if (k, v) != ("visible", True)} for a in at["layout"]["annotations"]]
        assert shown == own["layout"]["annotations"], epoch
        assert at["layout"]["shapes"] == own["layout"]["shapes"][1:], "all marks but the epoch marker"
        assert [t["name"] for t in at["data"]] == [t["name"] for t in own["data"]]
        assert at["layout"]["yaxis"] == own["layout"]["yaxis"] and at["layout"]["yaxis2"] == own["layout"]["yaxis2"]


def test_the_network_and_output_at_rest_say_their_epoch(xor_play):
    assert xor_play.charts["lab_network"].at(100).layout.title.text == "The network at epoch 100"
    assert xor_play.charts["lab_output"].at(100).layout.title.text == "Output at epoch 100"
    assert xor_play.charts["lab_output"].at(100).layout.images[0].source == \
        xor_play.charts["lab_output"].frame(100)["patch"]["images[0].source"]
    with pytest.raises(ValueError, match="epoch 101 is not a kept epoch"):
        xor_play.charts["lab_network"].at(101)


@pytest.mark.parametrize("label", ["Learn XOR", "Overfitting", "Learning rate too large", "Assignment 5's network"])
def test_the_figures_the_page_draws_at_rest_equal_plotlys_validated_ones(label):
    """at() builds its shared figures without plotly's validation (for a class pausing at a hundred epochs): they
    must be what the validated figure of that frame sends, for every kind of chart and the epochs that differ."""
    import plotly.io as pio

    run = train_config(controls.preset_config(label))
    play = animation.play_of(run)
    for key, chart in play.charts.items():
        for epoch in (play.epochs[0], play.epochs[len(play.epochs) // 2], play.epochs[-1]):
            sent = json.loads(pio.to_json(chart.at(epoch).to_dict(), validate=False))
            assert sent == json.loads(pio.to_json(chart.figure(epoch), validate=False)), (key, epoch)
            assert chart.at(epoch) is chart.at(epoch), "kept for the next session"


def test_the_caption_says_which_epochs_play():
    assert animation.frames_caption(range(0, 501, 5)).startswith(
        "Play shows 101 of the run's 501 epochs, every 5th from 0 to 500:")
    assert animation.frames_caption(range(11)).startswith("Play shows all 11 epochs of the run, 0 to 10:")
    assert animation.frames_caption([*range(0, 141, 5), 141]).startswith(
        "Play shows 30 of the run's 142 epochs, 1 to 5 apart, from 0 to 141:")
    assert [animation.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st"]


def test_patches_read_and_write_paths_as_plotly_relayout_does():
    layout = {"title": {"text": "a"}, "images": [{"source": "x"}, {"source": "y"}]}
    patched = animation.apply_patch(layout, {"title.text": "b", "images[1].source": "z", "xaxis.range": [0, 1]})
    assert patched == {"title": {"text": "b"}, "images": [{"source": "x"}, {"source": "z"}], "xaxis": {"range": [0, 1]}}
    assert layout["images"][1]["source"] == "y", "the layout given is left as it was"
    assert animation.get_path(patched, "images[1].source") == "z"
    assert animation.changed({"a": {"b": 1, "c": 2}}, {"a": {"b": 1, "c": 3}}) == {"a.c": 3}
    with pytest.raises(ValueError, match="is not a name or a name"):
        animation.apply_patch(layout, {"images[x].source": 1})


def test_an_untrained_run_has_no_frames():
    from backprop.runs import start_run

    with pytest.raises(ValueError, match="train it"):
        animation.play_of(start_run(TrainConfig()))


def test_a_diverged_runs_curves_keep_their_divergence_mark_at_every_epoch():
    """The divergence's line and label stay while the epoch's marker moves (at rest, as plots.curves_figure draws
    them at that epoch); at the epoch it diverged the two share one label. Seen failing when the animation dropped
    every mark but the epoch's."""
    run = train_config(controls.preset_config("Learning rate too large"))
    d = run.history.diverged_at
    animated = animation.curves_animation(run)
    for epoch in (0, d):
        at = animated.at(epoch).to_plotly_json()["layout"]
        own = plots.curves_figure(curves(run.history), end_epoch=run.epochs_done, epoch=epoch,
                                  diverged_at=d).to_plotly_json()["layout"]
        visible = [a["text"] for a in at["annotations"] if a.get("visible", True)]
        assert visible == [a["text"] for a in own["annotations"]], epoch
    assert any(s["x0"] == d for s in animated.layout["shapes"]), "the divergence's line"
