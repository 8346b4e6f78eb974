"""AppTest tests of the /training page, the training lab.

Every view shows the run backprop trains for the settings on screen, a lesson's click leaves every view on that run,
the player is sent that run's frames once, and a link is the run. (The player itself runs in the browser:
tests/e2e/test_lab.py.)"""
import gzip
import json
from dataclasses import replace

import numpy as np
import pytest

import backprop as bp
from backprop.reading import curves, read_run
from backprop.runs import TrainConfig, train_config
from dashboard.lab import controls
from tests.apptest import figures as page_figures
from tests.apptest import no_exception, open_page, plotly_array


def chart(at, title: str) -> dict:
    titles = [f["layout"].get("title", {}).get("text", "") for f in page_figures(at)]
    return next(f for f in page_figures(at) if f["layout"].get("title", {}).get("text", "").startswith(title)), titles


def curves_chart(at) -> dict:
    return next(f for f in page_figures(at) if any(t.get("name") == "training loss" for t in f["data"]))


def shown_curves(at) -> dict[str, np.ndarray]:
    return {t["name"]: plotly_array(t["y"]) for t in curves_chart(at)["data"]}


def scrubber(at):
    return at.select_slider(key="lab_epoch")


def player(at) -> dict:
    """What the page gives the browser's player (dashboard.lab.player): its fields (JSON), and under "frames" the
    frames it carries (JSON gzipped after a newline), or None."""
    head, _, packed = at.get("bidi_component")[0].proto.bytes.partition(b"\n")
    return {**json.loads(head), "frames": json.loads(gzip.decompress(packed)) if packed else None}


def marker_label(at) -> dict:
    """The curves' epoch marker's label (the marker itself is drawn in the frame's picture)."""
    return curves_chart(at)["layout"]["annotations"][0]


def status(at) -> str:
    """The status line above the player."""
    return next(m.value for m in at.markdown if m.value.startswith("**Finished"))


def assert_shows_run(at, run) -> None:
    """Every view is on ``run`` at the epoch it opens on (its last, or its lesson's opens_at): scrubber, axis, marker,
    pictures, metrics, controls."""
    no_exception(at)
    end = run.epochs_done
    last = controls.opening_epoch(run.config)
    last = end if last is None else last
    s = scrubber(at)
    assert [int(o) for o in s.options] == run.snapshot_epochs and s.value == last
    fig = curves_chart(at)
    assert fig["layout"]["xaxis"]["range"] == [0, end], "the chart's axis ends at this run's last epoch"
    label = marker_label(at)
    assert (label["x"], label["text"].split(" · ")[0]) == (last, f"epoch {last}"), "the marker is at the epoch shown"
    if run.history.diverged_at == last:  # one label for both marks, as the curves draw it at rest
        assert label["text"] == f"epoch {last} · diverged at epoch {last}"
    sent = player(at)
    assert (sent["epochs"], sent["epoch"], sent["total"]) == (run.snapshot_epochs, last, end), "the player too"
    expected = curves(run.history)
    shown = shown_curves(at)
    np.testing.assert_array_equal(shown["training loss"], expected.train_loss)
    for name, series in expected.grad_norms.items():
        np.testing.assert_array_equal(shown[f"‖∂L/∂{name}‖"], series)
    titles = [f["layout"].get("title", {}).get("text", "") for f in page_figures(at)]
    assert f"The network at epoch {last}" in titles
    if run.config.dataset != "assignment":
        assert f"Output at epoch {last}" in titles
    assert f"W1 at epoch {last}" in titles
    loss = next(m for m in at.metric if m.label == "Training loss")
    assert loss.value == lab_short(bp.network_gradients(run.network_at(last), run.data.X, run.targets(run.data),
                                                        run.config.loss, l2=run.config.l2).loss)
    for name in controls.CONTROLS:
        key = f"lab_w_{name}"
        if key in at.session_state:
            assert at.session_state[key] == controls.control_value(run.config, name), name


def lab_short(x: float) -> str:
    from dashboard.numbers import short

    return short(x, 3) if np.isfinite(x) else "not finite"


def test_the_default_run_is_learn_xor_and_every_view_shows_it():
    at = open_page("training")
    run = train_config(TrainConfig())
    assert_shows_run(at, run)
    assert next(m for m in at.metric if m.label == "Training accuracy").value == "100%"
    assert any("it has learned XOR" in m.value for m in at.markdown)
    assert status(at) == "**Finished: 500 epochs**"


@pytest.mark.parametrize("label", list(controls.PRESETS))
def test_a_lesson_click_leaves_every_view_on_its_run(label):
    """The chart once kept the previous run's epoch marker (epoch 3000 on a 300-epoch run) until the scrubber moved."""
    at = open_page("training")
    other = "Learn XOR" if label != "Learn XOR" else "Assignment 5's network"
    run = train_config(controls.PRESETS[label].config)
    at.button(key=f"lab_preset_{controls.PRESETS[other].slug}").click().run()
    # an epoch both runs keep, so that a marker left behind would still be a valid position of the new run
    shared = max(set(int(o) for o in scrubber(at).options) & set(run.snapshot_epochs[1:-1]))
    at.select_slider(key="lab_epoch").set_value(shared).run()
    assert marker_label(at)["x"] == shared and player(at)["epoch"] == shared
    at.button(key=f"lab_preset_{controls.PRESETS[label].slug}").click().run()
    assert_shows_run(at, run)
    lesson = next(m.value for m in at.markdown if m.value.startswith(f"**{label}.**"))
    assert lesson.endswith(lab_lesson(label, run))
    assert dict(at.query_params) == controls.params_from_config(run.config)


def lab_lesson(label: str, run) -> str:
    from dashboard.lab.lessons import lesson

    preset = controls.PRESETS[label]
    return lesson(label, run, [(name, train_config(c)) for name, c in controls.variant_configs(preset)])


def test_scrubbing_moves_every_view_to_that_epoch():
    at = open_page("training")
    at.select_slider(key="lab_epoch").set_value(100).run()
    no_exception(at)
    run = train_config(TrainConfig())
    net = run.network_at(100)
    W1, _ = chart(at, "W1 at epoch 100")
    np.testing.assert_array_equal(plotly_array(W1["data"][0]["z"]), net.Ws[0])
    assert chart(at, "The network at epoch 100")[0] and chart(at, "Output at epoch 100")[0]
    assert marker_label(at)["x"] == 100 and player(at)["epoch"] == 100, "the player starts from there"
    c = curves(run.history)
    assert next(m for m in at.metric if m.label == "Training loss").value == lab_short(c.train_loss[100])
    assert next(m for m in at.metric if m.label == "Test loss").value == lab_short(c.test_loss[100])


def test_the_numbers_under_the_charts_are_made_when_opened_and_are_the_charts_numbers():
    """The curves' and the gradient norms' tables sit in expanders that run only when opened (a class opening the
    lab does not build them); opened, they hold the run's numbers at the epoch shown."""
    at = open_page("training")
    def curves_table():
        return next((d.value for d in at.dataframe if "epoch" in d.value.columns), None)

    assert curves_table() is None and not any("‖∂L/∂W‖" in t.value.columns for t in at.table), "closed: not made"
    at.session_state["lab_curves_numbers"] = True
    at.session_state["lab_norms_numbers"] = True
    at.select_slider(key="lab_epoch").set_value(100).run()
    no_exception(at)
    run = train_config(TrainConfig())
    c = curves(run.history)
    table = curves_table()
    rows = np.searchsorted(c.epochs, table["epoch"].to_numpy())
    assert table["epoch"].iloc[0] == 0 and table["epoch"].iloc[-1] == c.epochs[-1]
    np.testing.assert_array_equal(table["training loss"].to_numpy(), c.train_loss[rows])
    np.testing.assert_array_equal(table["‖∂L/∂W1‖"].to_numpy(), c.grad_norms["W1"][rows])
    norms = next(t for t in at.table if "‖∂L/∂W‖" in t.value.columns).value
    grads = bp.network_gradients(run.network_at(100), run.data.X, run.data.y, run.config.loss)
    assert list(norms["‖∂L/∂W‖"]) == [f"{v:.3g}" for v in grads.norms]


def test_the_player_is_sent_the_runs_frames_once_per_run():
    """The frames travel once: later reruns (the scrubber, the player coming to rest) send only the epoch; a new run
    sends its own frames; the page counts its script runs for the browser tests."""
    at = open_page("training")
    run = train_config(TrainConfig())
    first = player(at)
    frames = first["frames"]
    assert frames["epochs"] == run.snapshot_epochs == first["epochs"]
    assert first["charts"] == ["lab_network", "lab_output", "lab_curves"] == list(frames["charts"])
    for key in first["charts"]:
        assert [f["name"] for f in frames["charts"][key]["frames"]] == [str(e) for e in run.snapshot_epochs]
        assert at.get("plotly_chart") and any(chart_key(el) == key for el in at.get("plotly_chart")), key
    at.select_slider(key="lab_epoch").set_value(100).run()
    again = player(at)
    assert again["frames"] is None and again["run"] == first["run"] and again["epoch"] == 100
    assert again["runs"] == first["runs"] + 1, "one more script run"
    at.toggle(key="lab_log_y").set_value(True).run()
    assert player(at)["frames"] is not None and player(at)["run"] != first["run"], "the curves changed: new frames"
    at.button(key="lab_preset_spirals").click().run()
    spirals = player(at)
    assert spirals["frames"] is not None and spirals["frames"]["epochs"] == spirals["epochs"]
    assert spirals["epoch"] == spirals["epochs"][-1] == spirals["total"] == 1500


def chart_key(element) -> str | None:
    """The user key of a st.plotly_chart element (its id ends with it)."""
    return element.proto.id.rsplit("-", 1)[-1] if element.proto.id else None


def test_the_assignments_outputs_play_as_bars():
    at = open_page("training", {"preset": "assignment"})
    no_exception(at)
    run = train_config(controls.preset_config("Assignment 5's network"))
    assert player(at)["charts"] == ["lab_network", "lab_outputs", "lab_curves"]
    outputs, _ = chart(at, "Outputs at epoch 300 (target (0, 1))")
    shown = [float(a["text"]) for a in outputs["layout"]["annotations"]]
    np.testing.assert_allclose(shown, bp.predict(run.network, run.data.X)[0], rtol=5e-3)


def test_a_settings_link_reproduces_the_same_run():
    config = replace(TrainConfig(), dataset="spirals", n_classes=3, output="softmax", loss="ce", n_samples=150,
                     noise=0.1, test_ratio=0.3, hidden_sizes=(8, 6), optimizer="adam", lr=0.03, l2=0.001, epochs=200,
                     seed=4, data_seed=2, init_scale=None, batch_size=32)
    params = controls.params_from_config(config)
    at = open_page("training", params)
    run = train_config(config)
    assert_shows_run(at, run)
    np.testing.assert_array_equal(shown_curves(at)["test accuracy"], curves(run.history).test_accuracy)
    assert dict(at.query_params) == params
    assert any(params_text in c.value for c in at.code for params_text in ["layers=8,6&"])


def test_changing_a_control_retrains_and_updates_the_link():
    at = open_page("training")
    at.select_slider(key="lab_w_lr").set_value(0.03).run()
    at.selectbox(key="lab_w_act").set_value("relu").run()
    config = replace(TrainConfig(), lr=0.03, hidden="relu")
    assert_shows_run(at, train_config(config))
    assert dict(at.query_params) == {"act": "relu", "lr": "0.03"}


def test_a_bad_link_parameter_is_ignored_with_a_warning():
    at = open_page("training", {"lr": "<img src=x onerror=alert(1)>", "epochs": "300"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("lr" in w and "onerror" not in w for w in warnings), warnings
    assert_shows_run(at, train_config(replace(TrainConfig(), epochs=300)))


def test_more_classes_switch_the_output_to_softmax_and_say_so():
    at = open_page("training")
    at.selectbox(key="lab_w_data").set_value("blobs").run()
    at.select_slider(key="lab_w_classes").set_value(4).run()
    no_exception(at)
    assert at.selectbox(key="lab_w_out").value == "softmax + ce"
    assert at.selectbox(key="lab_w_out").options == ["softmax + ce"]
    assert any("4 classes need one output per class" in w.value for w in at.warning)
    assert_shows_run(at, train_config(replace(TrainConfig(), dataset="blobs", n_classes=4, output="softmax",
                                              loss="ce")))


def test_a_run_over_the_cap_is_cut_and_the_page_says_so():
    params = {"n": "1000", "layers": "16,16,16,16", "batch": "1", "epochs": "5000"}
    at = open_page("training", params)
    no_exception(at)
    cut, message = controls.apply_cap(controls.config_from_params(params).config)
    assert any(message == w.value for w in at.warning)
    assert at.slider(key="lab_w_epochs").value == cut.epochs < 5000, "the control shows the epochs the run uses"
    assert len(shown_curves(at)["training loss"]) == cut.epochs + 1


def test_the_assignment_lesson_shows_its_outputs_instead_of_a_plane():
    at = open_page("training")
    at.button(key="lab_preset_assignment").click().run()
    no_exception(at)
    titles = [f["layout"].get("title", {}).get("text", "") for f in page_figures(at)]
    assert not any(t.startswith("Output at epoch") for t in titles)
    assert "Outputs at epoch 300 (target (0, 1))" in titles
    assert "lab_w_init" not in at.session_state, "its own weights are used: no scale to show"
    assert any("starts from the assignment's own W1, b1 and W2" in c.value for c in at.caption)


def test_a_diverged_run_starts_on_a_log_axis_and_says_what_it_cannot_draw():
    at = open_page("training", {"preset": "lr-too-large"})
    no_exception(at)
    run = train_config(controls.preset_config("Learning rate too large"))
    assert at.toggle(key="lab_log_y").value, "a linear axis would flatten all but the last epochs"
    assert curves_chart(at)["layout"]["yaxis"]["type"] == "log"
    assert next(m for m in at.metric if m.label == "Training loss").value == "not finite"
    e = run.epochs_done
    assert any(c.value == f"‖∂L/∂W1‖ is exactly 0 at epoch {e}, which a log scale cannot show (marked 0 on the "
               f"chart). ‖∂L/∂W2‖ is not finite at epoch {e}: the network has diverged." for c in at.caption)
    norms, _ = chart(at, f"Gradient norm ‖∂L/∂W‖ of each layer at epoch {e}")
    assert [a["text"] for a in norms["layout"]["annotations"]] == ["0", "not finite"]
    at.button(key="lab_preset_xor").click().run()
    assert not at.toggle(key="lab_log_y").value, "the next run picks its own axis"


def test_each_setting_trains_once(monkeypatch):
    import backprop.runs as runs
    from dashboard.lab import session

    calls = []
    original = runs.train
    monkeypatch.setattr(runs, "train", lambda *a, **k: calls.append(1) or original(*a, **k))
    session.full_run.clear()
    at = open_page("training")
    assert len(calls) == 1, "the first visit trains once"
    at.select_slider(key="lab_epoch").set_value(100).run()
    at.toggle(key="lab_log_y").set_value(True).run()
    assert len(calls) == 1, "scrubbing and redrawing do not retrain"
    at.button(key="lab_preset_vanishing").click().run()
    assert len(calls) == 4, "a lesson trains its run and the runs it is compared with"
    at.button(key="lab_preset_xor").click().run()
    assert len(calls) == 4 and not at.get("progress"), "a run already trained is not trained again"


def test_read_run_is_what_the_lessons_quote():
    run = train_config(controls.preset_config("Overfitting"))
    r = read_run(run.history)
    at = open_page("training", {"preset": "overfitting"})
    lesson = next(m.value for m in at.markdown if m.value.startswith("**Overfitting.**"))
    assert f"lowest at epoch {r.best_test_epoch}" in lesson
    marks = {a["text"]: a["x"] for a in curves_chart(at)["layout"]["annotations"]}
    assert marks[f"lowest test loss, epoch {r.best_test_epoch}"] == r.best_test_epoch, "the lowest test loss is marked"


@pytest.mark.parametrize("query, says, relu", [
    ({}, "on its first 20 training samples.", False),
    ({"preset": "assignment"}, "on its one training sample.", False),
    ({"n": "20", "test": "0.9", "act": "relu"}, "on all 2 training samples.", True),
])
def test_the_gradient_check_caption_says_what_was_checked(query, says, relu):
    at = open_page("training", query)
    no_exception(at)
    caption = next(c.value for c in at.caption if c.value.startswith("Analytic gradients from the backward pass"))
    assert says in caption
    assert ("relu has a kink" in caption) is relu


def test_the_training_labs_seeds_are_typed_and_read_by_the_parser():
    at = open_page("training")
    at.text_input(key="_text_lab_w_seed").set_value("7").run()
    no_exception(at)
    assert at.session_state["lab_config"].seed == 7
    at.text_input(key="_text_lab_w_seed").set_value("0,3").run()
    assert any("Weight seed: “0,3” is not a whole number: type digits only, without a comma" in e.value
               and "Still using 7." in e.value for e in at.error), [e.value for e in at.error]
    at.text_input(key="_text_lab_w_seed").set_value("123456").run()
    assert any("Weight seed: “123456” is outside 0 …" in e.value for e in at.error), [e.value for e in at.error]
    assert at.session_state["lab_config"].seed == 7


def test_the_gradient_check_names_no_kinks_for_tanh():
    """Spirals (tanh) has no kinks: its readings never say 'fine only at kinks' (read as 'backprop is wrong')."""
    at = open_page("training", {"preset": "spirals"})
    no_exception(at)
    table = next(t for t in at.table if "reading (cs231n)" in t.value.columns)
    words = " ".join(str(v) for v in table.value.to_numpy().ravel())
    assert "kink" not in words, words
    assert set(table.value["verdict"]) <= {"agree", "agree (rounding near 0)"}, table.value


def test_the_vanishing_lesson_opens_where_its_headline_shows():
    """At the epoch the lesson opens on, the per-layer chart shows ‖∂L/∂W1‖ below a tenth of ‖∂L/∂W5‖ (at the last
    epoch the output layer's norm has fallen below the first's, the opposite of the headline)."""
    at = open_page("training", {"preset": "vanishing"})
    no_exception(at)
    epoch = scrubber(at).value
    fig, titles = chart(at, f"Gradient norm ‖∂L/∂W‖ of each layer at epoch {epoch}")
    norms = dict(zip(fig["data"][0]["customdata"], plotly_array(fig["data"][0]["y"]), strict=True))
    assert norms["layer 1"] < norms["output"] / 10, norms
    at.button(key="lab_preset_xor").click().run()
    assert scrubber(at).value == 500, "other lessons open at their last epoch"


def pasted_csv(n=60) -> str:
    rng = np.random.default_rng(2)
    k = np.arange(n) % 3
    X = 10 + 3 * rng.standard_normal((n, 2)) + 6 * np.stack([np.cos(2 * k), np.sin(2 * k)], axis=1)
    return "width,length,kind\n" + "\n".join(f"{a:.2f},{b:.2f},{c + 1}" for (a, b), c in zip(X, k, strict=True))


def test_pasted_data_trains_says_what_it_found_and_travels_in_the_link():
    at = open_page("training")
    before = at.session_state["lab_config"]
    at.text_area(key="lab_paste").set_value("x,y,c\n1,2,0\n3,,1\n5,abc,0\n7,8,1\n")
    at.button(key="lab_paste_use").click().run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert "Row 3, column 2 (y): is empty: a missing value cannot be trained on — fill it in or delete the row." in \
        errors and any(e.startswith("Row 4, column 2 (y): “abc” is not a number") for e in errors), errors
    assert at.session_state["lab_config"] == before, "a refused file changes nothing"
    at.text_area(key="lab_paste").set_value(pasted_csv())
    at.button(key="lab_paste_use").click().run()
    no_exception(at)
    config = at.session_state["lab_config"]
    assert (config.dataset, config.classes, config.output, config.loss) == ("csv", 3, "softmax", "ce")
    assert config.hidden_sizes == before.hidden_sizes and config.lr == before.lr, "the network and optimiser stay"
    assert any("60 rows of the pasted data" in c.value and "**3 classes**: 1 (20 rows)" in c.value for c in at.caption)
    assert any(n.startswith("Output and loss switched from sigmoid + bce to softmax + ce") for n in
               [w.value for w in at.warning])
    titles = [f["layout"]["title"]["text"] for f in page_figures(at)]
    assert "Confusion matrix, training samples" in titles and "Confusion matrix, test samples" in titles
    run = train_config(config)
    accuracy = next(t for t in at.table if "training accuracy" in t.value.columns).value
    assert len(accuracy) == 3
    params = dict(at.query_params)
    assert params["data"] == "csv" and "csv" in params
    again = open_page("training", params)
    no_exception(again)
    assert again.session_state["lab_config"] == config
    assert next(m for m in again.metric if m.label == "Training accuracy").value == \
        lessons_percent(run.history.final_accuracy)


def lessons_percent(x):
    from dashboard.lab.lessons import percent

    return percent(x)


def test_starting_weights_are_pasted_through_the_one_parser_for_any_depth():
    at = open_page("training", {"layers": "3,2"})
    boxes = {t.label: t for t in at.text_area if t.label[:2] in ("W1", "b1", "W2", "b2", "W3", "b3")}
    assert set(boxes) == {"W1 (2 × 3)", "b1 (1 × 3)", "W2 (3 × 2)", "b2 (1 × 2)", "W3 (2 × 1)", "b3 (1 × 1)"}
    boxes["W2 (3 × 2)"].set_value("0.5 0.5; 0,5 1; 1 1")
    boxes["W3 (2 × 1)"].set_value("1 2")
    at.button(key="lab_weights_use").click().run()
    errors = [e.value for e in at.error]
    assert any(e.startswith("W2: “0,5” could be a decimal comma") for e in errors), errors
    assert any(e == "W3: 1 row(s) of 2; this network's W3 is 2 × 1." for e in errors), errors
    assert at.session_state["lab_config"].start is None, "nothing is used while anything is refused"
    boxes = {t.label: t for t in at.text_area if t.label[:2] in ("W2", "W3")}
    boxes["W2 (3 × 2)"].set_value("0.5 0.5\n−0.5 1\n1 1e-3")
    boxes["W3 (2 × 1)"].set_value("[[1.5], [-2]]")
    at.button(key="lab_weights_use").click().run()
    no_exception(at)
    config = at.session_state["lab_config"]
    assert config.start is not None and dict(at.query_params)["W3"] == "1.5;-2"
    run = train_config(config)
    np.testing.assert_array_equal(run.initial.Ws[1], [[0.5, 0.5], [-0.5, 1.0], [1.0, 0.001]])
    np.testing.assert_array_equal(run.initial.Ws[2], [[1.5], [-2.0]])
    assert any("starts from the weights given" in c.value for c in at.caption)
