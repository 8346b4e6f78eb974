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
