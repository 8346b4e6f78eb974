"""The training page: what it plots is backprop.train's history, and its lessons (vanishing,
divergence, the work cap) are messages, not exceptions."""
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.training import TrainConfig, train_config
from dashboard import figures
from dashboard.lab import WORK_CAP, apply_cap, preset_config, work
from tests.conftest import figures as page_figures
from tests.conftest import no_exception, open_page, plotly_array


def chart(at, title: str) -> dict:
    return next(f for f in page_figures(at) if f["layout"].get("title", {}).get("text", "").startswith(title))


def curves(at) -> dict[str, np.ndarray]:
    """{trace name: y} of the training-curves figure (loss, accuracy, gradient norms on one epoch axis)."""
    fig = next(f for f in page_figures(at) if any(t.get("name") == "loss" for t in f["data"]))
    return {t["name"]: plotly_array(t["y"]) for t in fig["data"]}


def test_defaults_train_and_plot_the_history_of_backprop_train():
    at = open_page("training")
    no_exception(at)
    expected = train_config(TrainConfig()).history
    shown = curves(at)
    assert list(shown) == ["loss", "accuracy", "‖∂L/∂W1‖", "‖∂L/∂W2‖"]
    np.testing.assert_array_equal(shown["loss"], expected.losses)
    np.testing.assert_array_equal(shown["accuracy"], expected.accuracies)
    np.testing.assert_array_equal(shown["‖∂L/∂W1‖"], expected.grad_norms["W1"])
    np.testing.assert_array_equal(shown["‖∂L/∂W2‖"], expected.grad_norms["W2"])
    assert chart(at, "Decision boundary at epoch 500")
    assert {"Accuracy", "Loss at epoch 0"} <= {m.label for m in at.metric}
    assert next(m for m in at.metric if m.label == "Accuracy").value == "100%"


def test_changing_the_data_or_the_activation_retrains():
    at = open_page("training")
    before = curves(at)["loss"]
    at.selectbox(key="_widget_train_dataset").set_value("moons").run()
    no_exception(at)
    moons = curves(at)["loss"]
    assert not np.array_equal(before, moons)
    np.testing.assert_array_equal(moons, train_config(TrainConfig(dataset="moons")).history.losses)
    at.selectbox(key="_widget_train_hidden").set_value("relu").run()
    no_exception(at)
    relu = curves(at)["loss"]
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
    assert len(curves(at)["loss"]) == 312


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


def test_training_curves_plot_the_history_on_one_epoch_axis():
    history = train_config(TrainConfig(epochs=40)).history
    fig = figures.training_curves_figure(history, log_y=True, epoch=10)
    loss, acc, n1, n2 = fig.data
    np.testing.assert_array_equal(loss.y, history.losses)
    np.testing.assert_array_equal(loss.x, np.arange(40))
    np.testing.assert_array_equal(acc.y, history.accuracies)
    assert fig.layout.yaxis.type == "log" and fig.layout.yaxis2.type == "log"
    for trace, layer in ((n1, "W1"), (n2, "W2")):
        assert len(trace.y) == history.epochs_run == 40
        np.testing.assert_array_equal(trace.y, history.grad_norms[layer])
    # one x axis for every curve, so that one hover reads them all at an epoch
    assert {t.xaxis or "x" for t in fig.data} == {"x"} and fig.layout.hovermode == "x unified"
    assert [s.x0 for s in fig.layout.shapes] == [10]


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


def test_each_setting_trains_once(monkeypatch):
    import streamlit as st

    import backprop.training as training

    calls = []
    original = training.train
    monkeypatch.setattr(training, "train", lambda *a, **k: calls.append(1) or original(*a, **k))
    st.cache_data.clear()
    at = open_page("training")
    assert len(calls) == 1, "the first visit trains once"
    at.select_slider(key="train_epoch").set_value(100).run()
    at.toggle(key="train_log_y").set_value(True).run()
    assert len(calls) == 1, "scrubbing and redrawing do not retrain"
    next(b for b in at.button if b.label == "Train again").click().run()
    assert len(calls) == 2 and not at.get("progress"), "Train again trains once more; no progress bar is left"


def test_lessons_name_what_went_wrong():
    from dashboard.lab import lessons

    diverged = train_config(preset_config("Learning rate too large"))
    kinds = [k for k, _ in lessons(diverged.history, diverged.config)]
    assert kinds[0] == "error" and diverged.history.final_accuracy is not None
    vanished = train_config(preset_config("Vanishing gradients"))
    (kind, text), = lessons(vanished.history, vanished.config)
    assert kind == "info" and f"{vanished.history.first_layer_shrink:.0f} times smaller" in text
    rose = train_config(TrainConfig(hidden="relu", hidden_units=64, lr=100.0, epochs=200))
    assert rose.history.loss_rose and rose.history.diverged_at is None
    assert [k for k, _ in lessons(rose.history, rose.config)][0] == "warning"
    assert lessons(train_config(TrainConfig()).history, TrainConfig()) == []


def test_history_csv_parses_back():
    import csv
    import io

    from dashboard.exports import history_csv

    history = train_config(TrainConfig(epochs=30)).history
    rows = list(csv.DictReader(io.StringIO(history_csv(history))))
    assert len(rows) == 30 and list(rows[0]) == ["epoch", "loss", "grad_norm_W1", "grad_norm_W2", "accuracy"]
    np.testing.assert_array_equal([float(r["loss"]) for r in rows], history.losses)
