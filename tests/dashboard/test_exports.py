"""Tests of dashboard.exports: the numbers, a worked solution and the lab's run as CSV, JSON and Markdown downloads."""
import csv
import io
import json
from dataclasses import replace

import numpy as np

from backprop import assignment as a
from backprop.reading import curves
from backprop.runs import TrainConfig, train_config
from dashboard import exports, steps
from dashboard.lab import controls


def test_numbers_round_trip_through_csv_and_json():
    numbers = {"X": a.X, "b1": a.b1, "dW2": a.DW2, "tiny": np.array([[1e-17, -3.3333333333333335]])}
    data = json.loads(exports.numbers_json(numbers, page="p", mode="assignment"))
    assert data["meta"] == {"page": "p", "mode": "assignment"}
    for name, M in numbers.items():
        np.testing.assert_array_equal(np.array(data["matrices"][name]), np.atleast_2d(M))
    rows = list(csv.DictReader(io.StringIO(exports.numbers_csv(numbers))))
    assert len(rows) == sum(np.size(M) for M in numbers.values())
    back = {}
    for row in rows:
        back.setdefault(row["matrix"], {})[(int(row["row"]), int(row["column"]))] = float(row["value"])
    assert back["dW2"][(2, 2)] == a.DW2[1, 1]
    assert back["tiny"][(1, 2)] == -3.3333333333333335


def test_worked_solution_markdown_has_every_step_and_equation():
    worked = steps.forward_steps(a.solve())
    md = exports.steps_markdown("Problem 2", worked)
    assert md.startswith("# Problem 2")
    assert md.count("## Step") == len(worked)
    assert md.count("$$") == 2 * sum(len(s.equations) for s in worked)
    assert r"2 \times 0.1 + 3 \times 0.3" in md


# --- the lab's run ------------------------------------------------------------------------------------


def test_the_run_json_follows_its_schema_and_matches_the_curves():
    run = train_config(replace(controls.preset_config("Overfitting"), epochs=40))
    data = json.loads(exports.run_json(run))
    assert set(data) == {"schema", "config", "initial_weights", "data", "scaling", "layer_sizes", "epochs",
                         "train_loss", "test_loss", "train_accuracy", "test_accuracy", "grad_norms", "diverged_at",
                         "lesson"}
    assert (data["initial_weights"], data["data"], data["scaling"], data["lesson"]) == ("seeded", None, None, None)
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


def test_the_run_json_says_what_the_assignment_run_used_and_what_its_paragraph_quotes():
    """Its run is one sample from the assignment's weights: no 200 samples, no noise, no initial scale; and the
    numbers its lesson quotes (the outputs before and after, the losses) are in the file."""
    from dashboard.lab import lessons
    from dashboard.numbers import row, short

    run = train_config(controls.preset_config("Assignment 5's network"))
    paragraph = lessons.lesson("Assignment 5's network", run)
    data = json.loads(exports.run_json(run, {"name": "Assignment 5's network", "paragraph": paragraph,
                                             "numbers": lessons.quoted("Assignment 5's network", run)}))
    c = data["config"]
    assert (c["n_samples"], c["noise"], c["init_scale"], c["data_seed"], c["test_ratio"], c["seed"]) == (
        1, None, None, None, 0.0, None)
    assert data["initial_weights"] == "assignment"
    numbers = data["lesson"]["numbers"]
    for key in ("outputs_at_epoch_0", "outputs_at_end", "target", "X"):
        assert row(np.array(numbers[key])) in paragraph, key
    for key in ("first_loss", "final_loss"):
        assert short(numbers["reading"][key]) in paragraph, key


def test_the_vanishing_runs_json_holds_its_error_ratios_and_how_far_w1_moved():
    from dashboard.lab import lessons
    from dashboard.numbers import short

    preset = controls.PRESETS["Vanishing gradients"]
    run = train_config(preset.config)
    variants = [(name, train_config(v)) for name, v in controls.variant_configs(preset)]
    paragraph = lessons.lesson(preset.label, run, variants)
    numbers = json.loads(exports.run_json(run, {"numbers": lessons.quoted(preset.label, run, variants)}))["lesson"][
        "numbers"]
    for moment in ("epoch 0", "end"):
        assert f"{short(numbers['delta1_over_delta_last'][moment], 2)} times" in paragraph
    assert f"W1 moved by only {numbers['reading']['weight_change']['W1']:.1%}" in paragraph
    assert set(numbers["variants"]) == {name for name, _ in variants}


def test_a_table_runs_json_holds_its_data_scaling_and_given_weights():
    from backprop.given import GivenWeights
    from dashboard.lab import data as own

    table = own.parse_csv("a,b,c\n" + "\n".join(f"{i},{i % 3 * 10},{i % 2}" for i in range(12)), "mine.csv")
    start = GivenWeights((np.full((2, 2), 0.1), np.full((2, 1), 0.2)), (np.zeros(2), np.zeros(1)))
    config, _ = controls.settle(TrainConfig(dataset="csv", table=table, hidden_sizes=(2,), start=start,
                                            test_ratio=0.25, epochs=20))
    run = train_config(config)
    data = json.loads(exports.run_json(run))
    assert data["initial_weights"] == "given" and data["config"]["init_scale"] is None
    assert data["config"]["n_samples"] == 12 and data["config"]["noise"] is None and data["config"]["n_classes"] == 2
    assert data["data"]["X"] == table.X.tolist() and data["data"]["columns"] == ["a", "b", "c"]
    assert own.parse_csv(own.to_csv(table)) == table
    np.testing.assert_array_equal(data["scaling"]["inputs"]["mean"], run.scaling.x_mean)
