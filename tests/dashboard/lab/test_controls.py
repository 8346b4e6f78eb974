"""Tests of dashboard.lab.controls: what each control offers, the lessons' settings, the work cap and the link.

Also the rules that keep a config possible."""
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backprop.runs import TrainConfig
from dashboard.lab import controls

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


# --- the settings as a link --------------------------------------------------------------------------------

configs = st.builds(
    lambda data, classes, n, noise, test, dseed, sizes, act, head, init, seed, lr, opt, batch, l2, epochs:
    controls.normalise(TrainConfig(dataset=data, n_classes=classes if data in ("spirals", "blobs") else 2, n_samples=n,
                              noise=noise, test_ratio=test, data_seed=dseed, hidden_sizes=sizes, hidden=act,
                              output=controls.HEAD_LABELS[head][0], loss=controls.HEAD_LABELS[head][1],
                              init_scale=init, seed=seed, lr=lr, optimizer=opt, batch_size=batch, l2=l2,
                              epochs=epochs))[0],
    st.sampled_from(controls.BUILT_IN), st.sampled_from(list(controls.CLASSES)),
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


def own_table(n: int, k: int = 3):
    from dashboard.lab.data import parse_csv

    return parse_csv("a,b,c\n" + "\n".join(f"{i * 0.37:.3f},{(i * 7) % 11},{i % k}" for i in range(n)), "mine.csv")


def test_a_link_carries_a_learners_data_and_weights():
    """Small tables and weights travel in the link itself; larger ones by digest, found by the server that keeps
    them; an example keeps its own η to the last digit."""
    from backprop.given import GivenData, GivenWeights

    small = controls.normalise(TrainConfig(dataset="csv", table=own_table(30), output="softmax", loss="ce",
                                           hidden_sizes=(3,)))[0]
    start = GivenWeights((np.full((2, 3), 0.25), np.full((3, 3), -0.5)), (np.zeros(3), np.array([0.1, 0.2, 0.3])))
    small = replace(small, start=start)
    params = controls.params_from_config(small)
    assert params["data"] == "csv" and "csv" in params
    assert params["W2"] == "-0.5,-0.5,-0.5;-0.5,-0.5,-0.5;-0.5,-0.5,-0.5"
    back = controls.config_from_params(params)
    assert back.warnings == () and back.config == small
    big = controls.normalise(TrainConfig(dataset="csv", table=own_table(1500)))[0]
    params = controls.params_from_config(big)
    assert "csv" not in params and len(params["table"]) == 16
    assert controls.config_from_params(params, {params["table"]: big.table}.get).config == big
    lost = controls.config_from_params(params)
    assert lost.config.dataset == "xor" and "upload the same file" in lost.warnings[0]
    X, y = np.array([[2.0, 3.0]]), np.array([[0.0, 1.0]])
    example = TrainConfig(dataset="example", table=GivenData("Problem 5's example", "targets", X, y,
                                                             ("x1", "x2", "y1", "y2"), standardise=False),
                          hidden_sizes=(2,), hidden="sigmoid", output="sigmoid", loss="mse", lr=0.7, test_ratio=0.0)
    params = controls.params_from_config(example)
    assert params["lr"] == "0.7" and params["X"] == "2,3" and params["y"] == "0,1"
    again = controls.config_from_params(params).config
    assert again.lr == 0.7 and np.array_equal(again.table.X, X) and np.array_equal(again.table.values, y)
    broken = controls.config_from_params({"data": "example", "X": "2,3", "y": "0,7"})
    assert broken.config.dataset == "xor" and "between 0 and 1" in broken.warnings[0]
    assert "0,7" not in broken.warnings[0]


def test_weights_that_no_longer_fit_are_dropped_with_a_note():
    from backprop.given import GivenWeights

    start = GivenWeights((np.ones((2, 8)), np.ones((8, 1))), (np.zeros(8), np.zeros(1)))
    kept, notes = controls.normalise(replace(TrainConfig(), start=start))
    assert kept.start == start and notes == []
    wider, notes = controls.normalise(replace(TrainConfig(), start=start, hidden_sizes=(8, 4)))
    assert wider.start is None
    assert notes == ["The starting weights given were for a network of sizes 2-8-1; this one is 2-8-4-1, so it starts "
                     "from seeded random weights (give weights of its sizes to start from them)."]
