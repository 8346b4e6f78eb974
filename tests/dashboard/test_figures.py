"""Tests of dashboard.figures: the matrix heatmaps and the gradient-norm chart, built without a browser."""
import numpy as np
import pytest

from dashboard import figures
from tests._examples import SOL


def test_heatmap_shows_the_matrix_on_a_zero_centred_diverging_scale():
    fig = figures.matrix_heatmap(SOL.dW2, title="dW2", row_name="hidden unit", col_name="output",
                                 symbol="∂L/∂W2", highlight=[(1, 0)])
    trace = fig.data[0]
    np.testing.assert_array_equal(trace.z, SOL.dW2)
    assert trace.zmid == 0 and trace.zmin == -trace.zmax == pytest.approx(-0.285)
    assert [list(r) for r in trace.text] == [["0.18", "-0.27"], ["0.19", "-0.285"]]
    assert trace.texttemplate == "%{text}"
    assert list(trace.y) == ["hidden unit 1", "hidden unit 2"] and list(trace.x) == ["output 1", "output 2"]
    assert fig.layout.xaxis.title.text == "output" and fig.layout.yaxis.title.text == "hidden unit"
    colours = [c for _, c in trace.colorscale]
    assert colours[5] == "rgb(247,247,247)"  # white at zero
    assert colours[0] == "rgb(5,48,97)" and colours[-1] == "rgb(103,0,31)"  # blue negative, red positive
    assert len(fig.layout.shapes) == 1
    shape = fig.layout.shapes[0]
    assert (shape.x0, shape.x1, shape.y0, shape.y1) == (-0.5, 0.5, 0.5, 1.5)


def test_heatmap_of_zeros_and_of_nan_does_not_break():
    fig = figures.matrix_heatmap(np.zeros((2, 2)), title="z", row_name="r", col_name="c")
    assert fig.data[0].zmax == 1.0
    fig = figures.matrix_heatmap(np.array([[np.nan, 1.0]]), title="z", row_name="r", col_name="c")
    assert fig.data[0].text[0][0] == "nan"


def test_clickable_heatmap_carries_each_cells_position():
    fig = figures.matrix_heatmap(SOL.dW2, title="dW2", row_name="hidden unit", col_name="output", clickable=True)
    markers = fig.data[1]
    assert markers.type == "scatter" and markers.marker.opacity < 0.05
    assert [list(c) for c in markers.customdata] == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert list(markers.x) == ["output 1", "output 2", "output 1", "output 2"]
    assert len(figures.matrix_heatmap(SOL.dW2, title="t", row_name="r", col_name="c").data) == 1


@pytest.mark.parametrize("event, cell", [
    ({"selection": {"points": [{"curve_number": 1, "customdata": [1, 0]}]}}, (1, 0)),
    ({"selection": {"points": []}}, None),
    ({"selection": {"points": [{"curve_number": 0, "z": 0.2}]}}, None),
    (None, None),
])
def test_cell_from_selection(event, cell):
    assert figures.cell_from_selection(event) == cell


def test_layer_norms_are_dots_with_their_values_and_zero_or_infinite_ones_are_written_not_drawn():
    fig = figures.layer_norms_figure([9.6e-7, 3e-7, 0.0, float("inf"), 7.2e-7], title="norms")
    (dots,) = fig.data
    assert dots.type == "scatter" and "markers" in dots.mode  # no bars: a bar's length on a log axis misleads
    assert list(dots.x) == [0, 1, 4] and list(dots.y) == [9.6e-7, 3e-7, 7.2e-7]
    assert list(dots.text) == ["9.6e-7", "3e-7", "7.2e-7"] and list(dots.customdata) == ["layer 1", "layer 2", "output"]
    assert list(fig.layout.xaxis.ticktext) == ["layer 1", "layer 2", "layer 3", "layer 4", "output"]
    assert [(a.x, a.text) for a in fig.layout.annotations] == [(2, "0"), (3, "not finite")]
    low, high = fig.layout.yaxis.range  # two decades at least: 3e-7 and 9.6e-7 must not look far apart
    assert high - low >= 2 and low < np.log10(3e-7) and high > np.log10(9.6e-7)
    wide = figures.layer_norms_figure([1e-6, 1.0], title="norms").layout.yaxis.range
    assert wide[0] < -6 and wide[1] > 0
    linear = figures.layer_norms_figure([0.0, 2.0], title="norms", log_y=False)
    assert list(linear.data[0].y) == [0.0, 2.0] and not linear.layout.annotations  # 0 has a place on a linear axis


def test_two_word_column_ticks_break_onto_two_lines_so_they_do_not_run_together_on_a_phone():
    fig = figures.matrix_heatmap(np.eye(2), title="Z1", row_name="sample", col_name="hidden unit")
    assert list(fig.layout.xaxis.ticktext) == ["hidden<br>unit 1", "hidden<br>unit 2"]
    assert list(fig.layout.xaxis.tickvals) == list(fig.data[0].x) == ["hidden unit 1", "hidden unit 2"]
    short_names = figures.matrix_heatmap(np.eye(2), title="W2", row_name="hidden unit", col_name="output")
    assert list(short_names.layout.xaxis.ticktext) == ["output 1", "output 2"]


# --- one unit for the title, the cells and the colour bar; ticks that never overprint -----------------------


def colour_bar(fig) -> dict:
    return fig.data[0].colorbar


def test_small_values_in_narrow_cells_share_one_unit_with_the_colour_bar():
    rng = np.random.default_rng(0)
    M = rng.normal(scale=4e-4, size=(3, 6))  # six columns: narrow cells, values below 0.01
    fig = figures.matrix_heatmap(M, title="∂L/∂W1", row_name="input", col_name="hidden unit")
    power = int(np.floor(np.log10(np.abs(M).max())))
    assert f"cells and colour bar × 10<sup>{power}</sup>" in fig.layout.title.text
    np.testing.assert_allclose(np.asarray(fig.data[0].z), M / 10.0**power)  # the colour bar's numbers are the cells'
    bar = colour_bar(fig)
    assert max(abs(v) for v in bar.tickvals) <= np.abs(M).max() / 10.0**power
    assert all(abs(float(t)) < 10 for t in bar.ticktext), "labels in the title's unit, not 0.0003 or '300µ'"


@pytest.mark.parametrize("M", [np.zeros((2, 2)), np.array([[1e-7, -5e-7]]), np.array([[0.18, -0.27], [0.19, -0.285]]),
                               np.full((1, 3), 2.5), np.arange(40.0).reshape(4, 10) - 20])
@pytest.mark.parametrize("height", [None, 200])
def test_every_colour_bar_has_at_least_three_labelled_ticks(M, height):
    bar = colour_bar(figures.matrix_heatmap(M, title="t", row_name="r", col_name="c", height=height))
    assert bar.tickmode == "array" and len(bar.ticktext) >= 3 and 0.0 in bar.tickvals
    assert len(set(bar.ticktext)) == len(bar.ticktext), bar.ticktext


def test_an_axis_of_many_samples_labels_a_readable_few_and_counts_them_in_the_title():
    delta = np.random.default_rng(1).normal(size=(160, 4))
    fig = figures.matrix_heatmap(delta.T, title="δ1ᵀ", row_name="hidden unit", col_name="sample", compact=True)
    ticks = fig.layout.xaxis.tickvals
    assert len(ticks) <= figures.MAX_TICKS and ticks[0] == "1" and ticks[1] == "21"
    assert "(160 samples)" in fig.layout.title.text


@pytest.mark.parametrize("count, step", [(1, 1), (12, 1), (13, 2), (25, 5), (60, 5), (61, 10), (160, 20)])
def test_tick_steps_are_round_and_leave_at_most_twelve_labels(count, step):
    assert figures.tick_step(count) == step and -(-count // step) <= figures.MAX_TICKS


# --- readable on a projector --------------------------------------------------------------------------------


def _fonts(fig) -> list[tuple[str, object]]:
    """(where, font) of every axis title and tick label and of the colour bar's labels."""
    out = []
    layout = fig.layout
    for name in layout.to_plotly_json():
        if name.startswith(("xaxis", "yaxis")):
            out += [(f"{name} ticks", layout[name].tickfont), (f"{name} title", layout[name].title.font)]
    out += [(f"trace {i} colour bar", t.colorbar.tickfont) for i, t in enumerate(fig.data)
            if getattr(t, "colorbar", None) is not None and t.colorbar.tickvals]
    return out


def _dark(colour: str) -> bool:
    """Dark enough to read on white: every channel under 0x60."""
    return colour.startswith("#") and all(int(colour[i:i + 2], 16) < 0x60 for i in (1, 3, 5))


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_heatmap_labels_are_at_least_16_px_and_dark(scale):
    fig = figures.matrix_heatmap(np.ones((1, 3)), title="A1", row_name="sample", col_name="hidden unit", scale=scale)
    for where, font in _fonts(fig):
        assert font.size >= 16 * scale, where
        assert _dark(font.color), (where, font.color)


@pytest.mark.parametrize("cols", [1, 2, 3])
@pytest.mark.parametrize("height", [None, 132])
def test_two_line_column_labels_and_the_axis_title_have_room_below_a_one_row_heatmap(cols, height):
    # "hidden<br>unit 1": two lines of 16 px and the axis title under them; a one-row heatmap in presenter mode
    # was 132 px tall, its margins 10 px, and the second line was cut off
    fig = figures.matrix_heatmap(np.ones((1, cols)), title="δ1", row_name="sample", col_name="hidden unit",
                                 height=height)
    assert fig.layout.xaxis.ticktext[0] == "hidden<br>unit 1"
    needed = 2 * 1.2 * 16 + 1.2 * 16  # two lines of labels and the title
    assert fig.layout.margin.b >= needed and fig.layout.xaxis.automargin
    plot = fig.layout.height - fig.layout.margin.t - fig.layout.margin.b
    assert plot >= 40, "the row itself keeps its height"


def test_for_projector_raises_every_label_to_16_px_in_the_themes_ink():
    fig = figures.derivative_check_figure(np.linspace(-1, 1, 5), np.ones(5), np.ones(5), title="f′")
    fig.layout.xaxis.tickfont.size = 11  # as small as some of the lab's charts set theirs
    for theme, scale in (("light", 1.0), ("dark", 1.25)):
        shown = figures.for_projector(fig, scale, theme)
        for where, font in _fonts(shown):
            assert font.size >= 16 * scale and font.color == figures.INK[theme], (theme, where)
        assert shown.layout.paper_bgcolor == figures.GROUND[theme]


@pytest.mark.parametrize("rows", [1, 2, 4])
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_a_colour_bar_is_long_enough_for_its_labels_beside_few_rows(rows, scale):
    # one row of a projector's heatmap left a 46-px bar, and its "0" printed over "-0.9"
    bar = colour_bar(figures.matrix_heatmap(np.linspace(-1, 1, 2 * rows).reshape(rows, 2), title="A1",
                                            row_name="sample", col_name="hidden unit", scale=scale))
    assert bar.lenmode == "pixels" and bar.len >= len(bar.tickvals) * 1.3 * bar.tickfont.size


def test_for_projector_raises_a_markers_colour_bar_too():
    # the lab's output map has its colour bar on a marker (its picture is an image): it stayed at 12 px on a projector
    from dashboard.lab import plots

    xs = ys = np.linspace(-1, 1, 4)
    fig = plots.output_figure(xs, ys, np.full((4, 4, 1), 0.5), output="sigmoid", title="Output",
                              X_train=np.zeros((1, 2)), key_train=np.zeros(1, dtype=int), classes=2, value_range=1.0)
    bars = [t.marker.colorbar for t in fig.data if getattr(t, "marker", None) is not None and t.marker.showscale]
    assert bars, "the figure has a marker's colour bar"
    figures.for_projector(fig, 1.25)
    assert all(b.tickfont.size >= 20 and b.title.font.size >= 20 for b in bars)


def test_a_shared_figure_is_sent_as_the_figure_it_copies_and_made_into_a_dict_once():
    import json

    import plotly.graph_objects as go
    import plotly.io as pio

    fig = figures.matrix_heatmap(np.array([[1.0, -2.0], [0.5, 0.0]]), title="W", row_name="input",
                                 col_name="hidden unit", symbol="W")
    kept = figures.shared(fig)
    assert kept is not fig and isinstance(kept, go.Figure)
    assert kept.to_dict() is kept.to_dict(), "one dict, handed out again"
    assert json.loads(pio.to_json(kept.to_dict(), validate=False)) == json.loads(pio.to_json(fig, validate=False))
    changed = go.Figure(kept)  # a copy to change: the shared one stays as it was
    changed.layout.height = 999
    assert kept.layout.height != 999 and kept.to_dict()["layout"].get("height") != 999
