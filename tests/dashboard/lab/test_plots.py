"""Tests of dashboard.lab.plots: the lab's figures of a run (loss curves, the output over the plane, the network)."""
import io
from dataclasses import replace

import numpy as np

from backprop.planes import crossings, layer_maps, plane
from backprop.reading import curves, read_run
from backprop.runs import TrainConfig, train_config
from dashboard.lab import controls, plots
from dashboard.numbers import short


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


def labelled_powers(axis) -> list[int]:
    """The powers of ten a log axis labels within its range (tick0 0, dtick decades apart)."""
    low, high = axis.range
    step = int(axis.dtick)
    return [p for p in range(int(np.ceil(low)), int(np.floor(high)) + 1) if p % step == 0]


def test_log_axes_span_what_their_data_needs_and_label_a_few_powers_of_ten():
    """The diverging lesson's norms run over about 155 decades: the axis spans those and no more, and labels at most
    six powers of ten (one label per decade stacked 150 of them into a black block)."""
    run = train_config(controls.preset_config("Learning rate too large"))
    c = curves(run.history)
    fig = plots.curves_figure(c, end_epoch=run.epochs_done, epoch=run.epochs_done, log_y=True,
                              diverged_at=run.history.diverged_at)
    norms = np.concatenate([v[np.isfinite(v) & (v > 0)] for v in c.grad_norms.values()])
    losses = c.train_loss[np.isfinite(c.train_loss)]
    for axis, values in ((fig.layout.yaxis2, norms), (fig.layout.yaxis, losses)):
        need = np.log10(values.max()) - np.log10(values.min())
        low, high = axis.range
        assert need > 100 and high - low <= need + 0.5, (need, axis.range)
        assert low <= np.log10(values.min()) and high >= np.log10(values.max())
        assert 2 <= len(labelled_powers(axis)) <= 6, labelled_powers(axis)
    xor = plots.curves_figure(curves(train_config(controls.preset_config("Learn XOR")).history), end_epoch=500,
                              log_y=True)
    assert len(labelled_powers(xor.layout.yaxis2)) >= 2 and len(labelled_powers(xor.layout.yaxis)) >= 2


def test_markers_at_one_epoch_share_one_label():
    marks = plots.epoch_markers([(141, "epoch 141", "grey"), (141, "diverged at epoch 141", "red"),
                                 (None, "never", "green")], end_epoch=141, top=0.86)
    assert [a["text"] for a in marks["annotations"]] == ["epoch 141 · diverged at epoch 141"]
    assert len(marks["shapes"]) == 1
