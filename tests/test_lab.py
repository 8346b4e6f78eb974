"""The lab's settings: what each control offers, the lessons' settings, the work cap, the rules that keep a config
possible, the settings as a link, and the downloads and figures built from a run."""
import csv
import io
import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.planes import crossings, layer_maps, plane
from backprop.reading import curves, read_run
from backprop.runs import TrainConfig, train_config
from dashboard import exports
from dashboard.lab import controls, plots
from dashboard.numbers import short

# --- every control shows the value the run uses ------------------------------------------------------------

#: Control → the values it can show (as control_value gives them).
OPTIONS = {
    "data": list(controls.DATASET_LABELS), "classes": list(controls.CLASSES), "n": list(controls.SAMPLES),
    "noise": controls.NOISES, "test": controls.TEST_RATIOS, "dseed": range(controls.MAX_SEED + 1),
    "layers": list(range(1, controls.MAX_LAYERS + 1)), "act": controls.HIDDEN_ACTIVATIONS,
    "out": list(controls.HEAD_LABELS), "init": [controls.init_label(s) for s in controls.INIT_SCALES],
    "seed": range(controls.MAX_SEED + 1), "lr": controls.LEARNING_RATES, "opt": list(controls.OPTIMIZER_LABELS),
    "batch": [controls.batch_label(b) for b in controls.BATCH_SIZES], "l2": controls.L2_STRENGTHS,
    "epochs": list(controls.EPOCHS),
    **{f"width{i}": list(range(1, controls.MAX_WIDTH + 1)) for i in range(1, controls.MAX_LAYERS + 1)},
}


def shown_controls(config: TrainConfig) -> list[str]:
    widths = [f"width{i}" for i in range(1, len(config.hidden_sizes) + 1)]
    return [name for name in OPTIONS if not name.startswith("width")] + widths


def all_configs() -> list[tuple[str, TrainConfig]]:
    out = [(label, preset.config) for label, preset in controls.PRESETS.items()]
    out += [(f"{p.label}: {name}", config) for p in controls.PRESETS.values() for name,
            config in controls.variant_configs(p)]
    return out


@pytest.mark.parametrize("name, config", all_configs(), ids=[n for n, _ in all_configs()])
def test_every_lesson_uses_only_values_its_controls_offer(name, config):
    """The Assignment 5 lesson once trained with a learning rate of 2.0 while its slider showed 0.001."""
    assert controls.settle(config) == (config, []), "a lesson is put right or cut by the page"
    for control in shown_controls(config):
        value = controls.control_value(config, control)
        assert value in OPTIONS[control], f"{name}: {control} = {value!r} is not on its control"
        assert controls.with_control(config, control, value) == config
    assert controls.control_value(config, "out") in controls.heads_for(config)


def test_changing_a_control_changes_only_its_setting():
    config = TrainConfig()
    assert controls.with_control(config, "layers", 3).hidden_sizes == (8, 8, 8)
    deeper = controls.with_control(controls.with_control(config, "layers", 3), "width2", 5)
    assert deeper.hidden_sizes == (8, 5, 8) and controls.with_control(deeper, "layers", 1).hidden_sizes == (8,)
    softmax = controls.with_control(config, "out", "softmax + ce")
    assert (softmax.output, softmax.loss) == ("softmax", "ce")
    assert controls.with_control(config, "init", "1/√fan-in").init_scale is None
    assert controls.with_control(config, "batch", "all").batch_size is None
    assert controls.with_control(config, "batch", "16").batch_size == 16
    assert controls.with_control(config, "lr", 0.03) == replace(config, lr=0.03)


def test_the_data_decides_the_output_and_loss():
    regression, notes = controls.normalise(replace(TrainConfig(), dataset="surface"))
    assert (regression.output, regression.loss) == ("identity", "mse")
    assert "regression set has real-valued targets" in notes[0]
    classes, notes = controls.normalise(replace(TrainConfig(), dataset="blobs", n_classes=4))
    assert (classes.output, classes.loss) == ("softmax", "ce") and "4 classes need one output per class" in notes[0]
    back, notes = controls.normalise(replace(classes, dataset="xor"))
    assert back.n_classes == 2 and back.output == "softmax" and notes == []
    single, _ = controls.normalise(replace(TrainConfig(), dataset="assignment", test_ratio=0.3))
    assert single.test_ratio == 0.0
    assert controls.heads_for(TrainConfig()) == list(controls.HEAD_LABELS)


# --- the work cap ------------------------------------------------------------------------------------------


def test_small_runs_are_left_alone_and_big_ones_cut_to_fit():
    config = TrainConfig()
    assert controls.apply_cap(config) == (config, None)
    big = replace(config, n_samples=1000, hidden_sizes=(16,) * 4, batch_size=1, epochs=5000)
    cut, message = controls.apply_cap(big)
    assert controls.work(cut) <= controls.WORK_CAP < controls.work(replace(cut, epochs=cut.epochs
                                                                           + controls.EPOCHS.step))
    assert cut.epochs % controls.EPOCHS.step == 0 and cut.epochs >= controls.EPOCHS.start
    assert f"cut to {cut.epochs:,} epochs" in message and "5,000 epochs" in message
    assert f"at most {controls.WORK_CAP:g} s" in message
    assert controls.work(replace(config, epochs=1000)) == pytest.approx(2 * controls.work(replace(config, epochs=500)))
    assert controls.work(replace(config, batch_size=8)) > controls.work(config), "mini-batches cost an update each"
    assert controls.work(replace(config, test_ratio=0.5)) < controls.work(config), "test samples are only run forward"


def test_play_draws_at_most_max_frames_per_run():
    for epochs in (10, 500, 1500, 5000):
        config = replace(TrainConfig(), epochs=epochs)
        speeds = controls.play_speeds(config)
        assert speeds and all(epochs / s <= controls.MAX_FRAMES for s in speeds)
        assert controls.default_speed(config) in speeds
    assert controls.play_speeds(replace(TrainConfig(), epochs=500))[0] == 2
    assert controls.default_speed(TrainConfig()) == 5


# --- the settings as a link --------------------------------------------------------------------------------

configs = st.builds(
    lambda data, classes, n, noise, test, dseed, sizes, act, head, init, seed, lr, opt, batch, l2, epochs:
    controls.normalise(TrainConfig(dataset=data, n_classes=classes if data in ("spirals", "blobs") else 2, n_samples=n,
                              noise=noise, test_ratio=test, data_seed=dseed, hidden_sizes=sizes, hidden=act,
                              output=controls.HEAD_LABELS[head][0], loss=controls.HEAD_LABELS[head][1],
                              init_scale=init, seed=seed, lr=lr, optimizer=opt, batch_size=batch, l2=l2,
                              epochs=epochs))[0],
    st.sampled_from(list(controls.DATASET_LABELS)), st.sampled_from(list(controls.CLASSES)),
    st.sampled_from(list(controls.SAMPLES)), st.sampled_from(controls.NOISES), st.sampled_from(controls.TEST_RATIOS),
    st.integers(0, controls.MAX_SEED),
    st.lists(st.integers(1, controls.MAX_WIDTH), min_size=1, max_size=controls.MAX_LAYERS).map(tuple),
    st.sampled_from(controls.HIDDEN_ACTIVATIONS), st.sampled_from(list(controls.HEAD_LABELS)),
    st.sampled_from(controls.INIT_SCALES), st.integers(0, controls.MAX_SEED), st.sampled_from(controls.LEARNING_RATES),
    st.sampled_from(list(controls.OPTIMIZER_LABELS)), st.sampled_from(controls.BATCH_SIZES),
    st.sampled_from(controls.L2_STRENGTHS), st.sampled_from(list(controls.EPOCHS)),
)


@settings(max_examples=200, deadline=None)
@given(configs)
def test_a_link_reproduces_the_settings(config):
    params = controls.params_from_config(config)
    assert all(isinstance(v, str) and len(v) <= controls.MAX_PARAM_CHARS for v in params.values())
    link = controls.config_from_params(params)
    assert link.warnings == ()
    assert link.config == config


def test_links_are_short_a_lesson_is_its_name():
    assert controls.params_from_config(TrainConfig()) == {}
    assert controls.params_from_config(controls.preset_config("Spirals")) == {"preset": "spirals"}
    assert controls.params_from_config(replace(TrainConfig(), lr=0.03, hidden_sizes=(8, 4))) == {"layers": "8,4",
                                                                                          "lr": "0.03"}
    link = controls.config_from_params({"preset": "overfitting", "l2": "0.003"})
    assert link.preset == "Overfitting" and link.config == replace(controls.preset_config("Overfitting"), l2=0.003)


@pytest.mark.parametrize("name, value, why", [
    ("lr", "2.5", "not one of the values the control offers"),
    ("lr", "1e309", "not a plain number"),
    ("n", "55", "in steps of 10"),
    ("layers", "8,8,8,8,8", "from 1 to 4 widths"),
    ("layers", "8,99", "each hidden layer's width, a whole number from 1 to 16"),
    ("layers", "99", "each hidden layer's width, a whole number from 1 to 16"),
    ("data", "<script>alert(1)</script>", "must be one of"),
    ("epochs", "x" * 500, "longer than"),
    ("noise", "nan", "not a plain number"),
    ("out", "softmax-bce", "must be one of"),
    ("preset", "../../etc", "preset"),
])
def test_a_bad_link_parameter_is_named_never_echoed_and_ignored(name, value, why):
    link = controls.config_from_params({name: value, "seed": "3"})
    (warning,) = link.warnings
    assert name in warning and why in warning and value not in warning
    assert link.config == replace(TrainConfig(), seed=3)


# --- downloads and figures ---------------------------------------------------------------------------------


def test_the_run_json_follows_its_schema_and_matches_the_curves():
    run = train_config(replace(controls.preset_config("Overfitting"), epochs=40))
    data = json.loads(exports.run_json(run))
    assert set(data) == {"schema", "config", "layer_sizes", "epochs", "train_loss", "test_loss", "train_accuracy",
                         "test_accuracy", "grad_norms", "diverged_at"}
    assert data["schema"] == exports.RUN_SCHEMA and data["epochs"] == 40 and data["diverged_at"] is None
    assert data["layer_sizes"] == [2, 16, 16, 16, 1]
    assert TrainConfig(**{k: tuple(v) if k == "hidden_sizes" else v for k, v in data["config"].items()}) == run.config
    c = curves(run.history)
    for key, series in (("train_loss", c.train_loss), ("test_loss", c.test_loss),
                        ("train_accuracy", c.train_accuracy), ("test_accuracy", c.test_accuracy)):
        assert len(data[key]) == 41
        np.testing.assert_array_equal(data[key], series)
    assert list(data["grad_norms"]) == ["W1", "W2", "W3", "W4"]
    regression = json.loads(exports.run_json(train_config(controls.preset_config("Learning rate too large"))))
    assert regression["train_accuracy"] is None and regression["test_accuracy"] is None
    assert regression["diverged_at"] == regression["epochs"] and regression["train_loss"][-1] is None


def test_the_curves_csv_has_a_row_per_epoch():
    c = curves(train_config(replace(TrainConfig(), epochs=20)).history)
    rows = list(csv.DictReader(io.StringIO(exports.curves_csv(c))))
    assert len(rows) == 21 and list(rows[0]) == ["epoch", "train_loss", "test_loss", "train_accuracy",
                                                 "test_accuracy", "grad_norm_W1", "grad_norm_W2"]
    np.testing.assert_array_equal([float(r["train_loss"]) for r in rows], c.train_loss)


def test_curves_figure_spans_the_run_and_shows_how_much_the_loss_moved():
    run = train_config(controls.preset_config("Vanishing gradients"))
    c, r = curves(run.history), read_run(run.history)
    fig = plots.curves_figure(c, end_epoch=run.epochs_done, epoch=400)
    assert list(fig.layout.xaxis.range) == [0, 1000]
    names = [t.name for t in fig.data]
    assert names == ["training loss", "test loss", "training accuracy", "test accuracy", "‖∂L/∂W1‖", "‖∂L/∂W2‖",
                     "‖∂L/∂W3‖", "‖∂L/∂W4‖", "‖∂L/∂W5‖"], "every layer's norm, none dropped"
    assert len({t.line.color for t in fig.data[4:]}) == 5
    low, high = fig.layout.yaxis.range
    assert low == 0 and high >= r.first_loss, "a loss that barely moves is drawn flat, from 0"
    log = plots.curves_figure(c, end_epoch=1000, log_y=True)
    assert log.layout.yaxis.range[1] - log.layout.yaxis.range[0] >= 1.0, "at least a decade on a log axis"
    assert [s.x0 for s in fig.layout.shapes] == [400]
    marked = plots.curves_figure(c, end_epoch=1000, epoch=1000, diverged_at=700, best_test_epoch=50)
    assert [a.text for a in marked.layout.annotations[:3]] == ["epoch 1000", "diverged at epoch 700",
                                                                "lowest test loss, epoch 50"]
    assert plots.curves_figure(None, end_epoch=500).data == ()
    playing = plots.curves_figure(c, end_epoch=1000, interactive=False)
    assert fig.layout.showlegend and not playing.layout.showlegend, "no legends to measure at every frame"


def test_a_loss_that_spans_decades_asks_for_a_log_axis():
    assert plots.wide_losses(curves(train_config(controls.preset_config("Learning rate too large")).history))
    for label in ("Vanishing gradients", "Learn XOR", "Spirals", "Overfitting"):  # falling losses read well linearly
        assert not plots.wide_losses(curves(train_config(controls.preset_config(label)).history)), label
    assert not plots.wide_losses(None)


def decode(uri: str) -> np.ndarray:
    """The pixels of a data: URI PNG."""
    import base64

    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def output_of(label: str):
    run = train_config(controls.preset_config(label))
    xs, ys, _ = plane(np.vstack([run.data.X, run.test.X]), 40)
    out = layer_maps(run.network, xs, ys)[-1]
    fig = plots.output_figure(xs, ys, out, output=run.config.output, title="t", X_train=run.data.X,
                                   key_train=run.data.labels, X_test=run.test.X, key_test=run.test.labels)
    return run, out, fig


def test_output_figure_uses_a_fixed_probability_scale_and_marks_test_points_hollow():
    """A run whose outputs stay within 0.49 … 0.51 once filled the plane with deep red and blue, as if sure."""
    run, out, fig = output_of("Vanishing gradients")
    assert np.ptp(out) < 0.05
    pixels = decode(fig.layout.images[0].source).astype(int)
    white = np.array([247, 247, 247])
    assert np.abs(pixels - white).max() < 40, "an undecided network is drawn near white"
    colorbar = fig.data[1].marker
    assert (colorbar.cmin, colorbar.cmax) == (0.0, 1.0) and colorbar.showscale
    symbols = {t.name: t.marker.symbol for t in fig.data[2:]}
    assert symbols == {"class 0, training": "circle", "class 1, training": "diamond",
                       "class 0, test": "circle-open", "class 1, test": "diamond-open"}
    assert sum(len(t.x) for t in fig.data[2:]) == run.data.n_samples + run.test.n_samples
    _, out, fig = output_of("Learn XOR")
    pixels = decode(fig.layout.images[0].source)
    flat = pixels.reshape(-1, 3).astype(int)
    assert np.abs(flat - [103, 0, 31]).sum(axis=1).min() < 15, "sure of class 1: deep red"
    assert np.abs(flat - [5, 48, 97]).sum(axis=1).min() < 15, "sure of class 0: deep blue"
    boundary = (pixels == 0).all(axis=-1)
    np.testing.assert_array_equal(boundary[::-1], crossings(out[..., 0]), "the ½ boundary, drawn black")
    hover = fig.data[0]
    assert hover.opacity == 0 and "output" in hover.hovertemplate
    quiet = plots.output_figure(*plane(run.data.X, 40)[:2], out, output="sigmoid", title="t", X_train=run.data.X,
                                     key_train=run.data.labels, interactive=False)
    assert not [t for t in quiet.data if t.type == "heatmap"], "while playing, no hover grid"
    assert not [t for t in quiet.data if t.marker and t.marker.showscale], "nor a colour bar: it never changes"


def test_softmax_regions_take_the_most_likely_class_colour():
    P = np.array([[[0.9, 0.05, 0.05], [1 / 3, 1 / 3, 1 / 3]]])
    rgb = plots.class_regions_rgb(P)
    blue = np.array([0x00, 0x72, 0xB2])
    assert np.argmax(np.abs(rgb[0, 0].astype(int) - 255)) == np.argmax(np.abs(blue - 255))
    assert (rgb[0, 1] > rgb[0, 0]).all(), "an undecided point is paler"


def test_network_figure_draws_every_unit_and_every_weight():
    run = train_config(replace(TrainConfig(hidden_sizes=(3, 2)), epochs=5))
    net = run.network
    xs, ys, _ = plane(run.data.X, 8)
    maps = layer_maps(net, xs, ys)
    inputs = np.stack(np.meshgrid(xs, ys), axis=-1)
    fig = plots.network_figure(net.Ws, net.bs, maps, inputs, hidden="tanh", output="sigmoid", title="n")
    (image,) = fig.layout.images
    pixels = decode(image.source).astype(int)
    weights, units = fig.data
    assert len(weights.text) == 2 * 3 + 3 * 2 + 2 * 1 and len(units.text) == 2 + 3 + 2 + 1
    assert f"W2[2, 1] = {short(net.Ws[1][1, 0], 3)}" in weights.text
    top = max(3, 2) / 2

    def pixel(x: float, y: float) -> np.ndarray:
        return pixels[int((top + 0.1 - y) * plots.PX), int((x + plots.UNIT) * plots.PX)]

    # each unit's picture: its centre has the colour of the unit's value at the middle of the plane
    for k, (x, y) in enumerate(zip(units.x, units.y, strict=True)):
        layer = 0 if k < 2 else 1 if k < 5 else 2 if k < 7 else 3
        unit = k - (0, 2, 5, 7)[layer]
        A = inputs if layer == 0 else maps[layer - 1]
        assert np.abs(pixel(x, y) - np.array([247, 247, 247])).max() < 256  # a colour, not the white background
        assert pixel(x, y).tolist() != [255, 255, 255] or np.isclose(A[4, 4, unit], 0), (layer, unit)
    # every weight's line: red for the largest positive weight, blue for the most negative one
    flat = [(float(W[i, j]), f"W{l}[{i + 1}, {j + 1}]") for l, W in enumerate(net.Ws, start=1)
            for i in range(W.shape[0]) for j in range(W.shape[1])]
    for value, name in (max(flat), min(flat)):
        k = next(n for n, t in enumerate(weights.text) if t.startswith(name + " = "))
        r, g, b = pixel(weights.x[k], weights.y[k])
        assert (r > b + 40) if value > 0 else (b > r + 40), (name, value, (r, g, b))
    quiet = plots.network_figure(net.Ws, net.bs, maps, inputs, hidden="tanh", output="sigmoid", title="n",
                                      interactive=False)
    assert quiet.data == () and quiet.layout.images == fig.layout.images, "while playing: the picture, no hover"


def test_weight_lines_are_wider_and_stronger_for_larger_weights():
    widths = [plots.line_px(level) for level in range(6)]
    assert widths == sorted(widths) and widths[0] < 1 < widths[-1]
    reds = [plots.line_colour(True, level) for level in range(6)]
    assert [c[1] for c in reds] == sorted((c[1] for c in reds), reverse=True), "larger: less white mixed in"
    assert plots.line_colour(False, 5)[2] > plots.line_colour(False, 5)[0], "negative: blue"


def test_diverging_colours_match_the_projects_scale():
    rgb = plots.diverging_rgb(np.array([-1.0, 0.0, 1.0, np.nan, 5.0]), -1.0, 1.0)
    assert rgb[0].tolist() == [5, 48, 97] and rgb[1].tolist() == [247, 247, 247] and rgb[2].tolist() == [103, 0, 31]
    assert rgb[3].tolist() == [200, 200, 200] and rgb[4].tolist() == rgb[2].tolist()
