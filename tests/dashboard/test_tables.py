"""Tests of dashboard.tables: matrices to and from data frames (bad cells named), and the training curves' table."""
import numpy as np
import pandas as pd

from backprop import assignment as a
from dashboard.tables import from_frame, to_frame


def test_frames_round_trip_and_bad_cells_are_named():
    frame = to_frame(a.W1, "input", "hidden unit")
    assert list(frame.index) == ["input 1", "input 2"] and list(frame.columns) == ["hidden unit 1", "hidden unit 2"]
    values, problems = from_frame("W1", frame)
    np.testing.assert_array_equal(values, a.W1)
    assert problems == []
    bad = frame.astype(object)
    bad.iat[0, 1] = None
    bad.iat[1, 0] = "x"
    values, problems = from_frame("W1", bad)
    assert values is None
    assert problems == ["W1, row 1 (input 1), column 2 (hidden unit 2) is empty: type a number.",
                        "W1, row 2 (input 2), column 1 (hidden unit 1): “x” is not a number: use digits, a point "
                        "for decimals, and e for powers of ten (1e-3)."]
    _, problems = from_frame("X", pd.DataFrame([[np.inf, 2e6]]))
    assert "too large for a 64-bit float" in problems[0] and "beyond ±1,000,000" in problems[1]


def test_the_training_curves_table_holds_the_plotted_numbers():
    from backprop.reading import curves
    from backprop.runs import train_config
    from dashboard.lab import controls
    from dashboard.tables import curves_frame

    run = train_config(controls.preset_config(controls.DEFAULT_PRESET))
    c = curves(run.history)
    frame = curves_frame(c, rows=11)
    assert frame["epoch"].iloc[0] == 0 and frame["epoch"].iloc[-1] == c.epochs[-1] and len(frame) == 11
    for _, row in frame.iterrows():
        i = int(row["epoch"]) - int(c.epochs[0])
        assert row["training loss"] == c.train_loss[i] and row["‖∂L/∂W1‖"] == c.grad_norms["W1"][i]
