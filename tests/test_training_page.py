"""The training page: what it plots is backprop.train's history, and its lessons (vanishing,
divergence, the work cap) are messages, not exceptions."""
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.training import TrainConfig, train_config
from dashboard import figures
from dashboard.training import WORK_CAP, apply_cap, preset_config, work
from tests.conftest import figures as page_figures
from tests.conftest import no_exception, open_page, plotly_array


def chart(at, title: str) -> dict:
    return next(f for f in page_figures(at) if f["layout"].get("title", {}).get("text", "").startswith(title))


def test_defaults_train_and_plot_the_history_of_backprop_train():
    at = open_page("training")
    no_exception(at)
    expected = train_config(TrainConfig()).history
    loss = chart(at, "Loss over epochs")
    np.testing.assert_array_equal(plotly_array(loss["data"][0]["y"]), expected.losses)
    norms = chart(at, "Gradient norm per layer")
    assert [t["name"] for t in norms["data"]] == ["‖∂L/∂W1‖", "‖∂L/∂W2‖"]
    np.testing.assert_array_equal(plotly_array(norms["data"][0]["y"]), expected.grad_norms["W1"])
    assert chart(at, "Decision boundary at epoch 500")
    assert {"Accuracy", "Loss at epoch 0"} <= {m.label for m in at.metric}
    assert next(m for m in at.metric if m.label == "Accuracy").value == "100%"


def test_changing_the_data_or_the_activation_retrains():
    at = open_page("training")
    before = plotly_array(chart(at, "Loss over epochs")["data"][0]["y"])
    at.selectbox(key="_widget_train_dataset").set_value("moons").run()
    no_exception(at)
    moons = plotly_array(chart(at, "Loss over epochs")["data"][0]["y"])
    assert not np.array_equal(before, moons)
    np.testing.assert_array_equal(moons, train_config(TrainConfig(dataset="moons")).history.losses)
    at.selectbox(key="_widget_train_hidden").set_value("relu").run()
    no_exception(at)
    relu = plotly_array(chart(at, "Loss over epochs")["data"][0]["y"])
    np.testing.assert_array_equal(relu, train_config(TrainConfig(dataset="moons", hidden="relu")).history.losses)


def test_a_diverging_learning_rate_is_explained_not_raised():
    at = open_page("training")
    next(b for b in at.button if b.label == "Learning rate too large").click().run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any("stopped being a finite number at epoch" in e and "learning rate" in e for e in errors), errors


def test_the_vanishing_preset_says_so():
    at = open_page("training")
    next(b for b in at.button if b.label == "Vanishing gradients").click().run()
    no_exception(at)
    assert any("vanished" in i.value for i in at.info)


def test_over_cap_settings_show_the_cap_and_are_cut():
    at = open_page("training")
    at.slider(key="_widget_train_width").set_value(64).run()
    at.slider(key="_widget_train_n").set_value(1000).run()
    at.slider(key="_widget_train_epochs").set_value(5000).run()
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("at most 20,000,000" in w and "cut to 312 epochs" in w for w in warnings), warnings
    assert len(plotly_array(chart(at, "Loss over epochs")["data"][0]["y"])) == 312


def test_scrubbing_shows_the_weights_of_that_epoch():
    at = open_page("training")
    at.select_slider(key="train_epoch").set_value(100).run()
    no_exception(at)
    snap = train_config(TrainConfig()).history.snapshot_at(100)
    W1 = chart(at, "W1 at epoch 100")
    np.testing.assert_array_equal(plotly_array(W1["data"][0]["z"]), snap.params.W1)
    assert chart(at, "Decision boundary at epoch 100")


def test_the_assignment_preset_shows_outputs_instead_of_a_boundary():
    at = open_page("training")
    next(b for b in at.button if b.label == "Assignment 5's network").click().run()
    no_exception(at)
    assert not [f for f in page_figures(at) if "Decision boundary" in f["layout"]["title"]["text"]]
    assert any("target" in m.value for m in at.markdown)


# --- the page's pure helpers ---------------------------------------------------------------------


def test_cap_leaves_small_runs_alone_and_cuts_big_ones():
    config = TrainConfig()
    assert apply_cap(config) == (config, None)
    big = replace(config, n_samples=1000, hidden_units=64, epochs=5000)
    cut, message = apply_cap(big)
    assert work(cut) <= WORK_CAP < work(replace(cut, epochs=cut.epochs + 1))
    assert "cut to" in message
    assert work(preset_config("Spirals (harder)")) <= WORK_CAP


def test_loss_and_norm_figures_plot_the_history():
    history = train_config(TrainConfig(epochs=40)).history
    loss = figures.loss_figure(history, log_y=True, epoch=10)
    np.testing.assert_array_equal(loss.data[0].y, history.losses)
    np.testing.assert_array_equal(loss.data[0].x, np.arange(40))
    np.testing.assert_array_equal(loss.data[1].y, history.accuracies)
    assert loss.layout.yaxis.type == "log"
    norms = figures.grad_norm_figure(history)
    assert len(norms.data) == 2
    for trace, layer in zip(norms.data, ("W1", "W2"), strict=True):
        assert len(trace.y) == history.epochs_run == 40
        np.testing.assert_array_equal(trace.y, history.grad_norms[layer])


def test_boundary_figure_draws_the_grid_and_the_data():
    run = train_config(TrainConfig(epochs=20))
    xs, ys, grid = bp.training.decision_grid(run.history.params, run.data.X, "tanh", "sigmoid", resolution=20)
    fig = figures.boundary_figure(xs, ys, grid, run.data.X, run.data.y, title="b")
    np.testing.assert_array_equal(fig.data[0].z, grid)
    assert fig.data[0].zmid == 0.5
    assert fig.data[1].contours.start == 0.5
    assert len(fig.data[2].x) + len(fig.data[3].x) == run.data.n_samples


@pytest.mark.parametrize("name", ["Learn XOR", "Vanishing gradients", "Spirals (harder)"])
def test_presets_teach_what_they_say(name):
    h = train_config(preset_config(name)).history
    if name == "Vanishing gradients":
        assert h.grad_norms["W1"][0] < 0.05 * h.grad_norms["W2"][0]
        assert h.grad_norms["W1"].max() < 1e-4
        assert h.losses[-1] > 0.95 * h.losses[0]
    else:
        assert h.losses[-1] < 0.5 * h.losses[0]
