"""Tests of dashboard.urlstate: the example and the settings as query parameters; malformed links refused by name."""
import numpy as np
import pytest

from backprop import assignment as a
from dashboard.urlstate import (
    MAX_ENTRIES,
    ParamError,
    format_matrix,
    inputs_from_params,
    params_from_inputs,
    params_from_settings,
    parse_matrix,
    settings_from_params,
)


@pytest.mark.parametrize("name", ["X", "W1", "b1", "W2", "delta2", "A1", "delta1"])
def test_every_matrix_round_trips_through_the_url(name):
    inputs = a.DEFAULT_INPUTS.resized(N=3, D=2, H=4, C=3)
    field = {"A1": "A1_given", "delta1": "delta1_given"}.get(name, name)
    value = getattr(inputs, field)
    np.testing.assert_array_equal(parse_matrix(name, format_matrix(value)), np.atleast_2d(value))
    parsed = inputs_from_params(params_from_inputs(inputs, "consistent"))
    assert parsed.warnings == () and parsed.mode == "consistent"
    np.testing.assert_array_equal(getattr(parsed.inputs, field), value)


def test_defaults_need_no_parameters():
    assert params_from_inputs(a.DEFAULT_INPUTS, "assignment") == {}
    assert params_from_inputs(a.DEFAULT_INPUTS.with_values(X=[[1.0, 1.0]]), "assignment") == {"X": "1,1"}


@pytest.mark.parametrize("text, reason", [
    ("abc", "not numbers"),
    ("<script>alert(1)</script>", "not numbers"),
    ("1,2;3", "rows have different lengths"),
    ("nan,1", "not numbers"),
    ("inf,1", "not numbers"),
    ("1e999,1", "too large for a float"),
    ("2e6,1", "beyond ±1,000,000"),
    (",".join(["1"] * (MAX_ENTRIES + 1)), f"more than {MAX_ENTRIES} entries"),
    ("1" * 500, "longer than 400 characters"),
    ("1,,2", "not numbers"),
    ("__import__('os').system('x')", "not numbers"),
    ("0x10", "not numbers"),
])
def test_hostile_or_malformed_values_are_rejected_with_a_reason(text, reason):
    with pytest.raises(ParamError, match=reason):
        parse_matrix("W1", text)
    parsed = inputs_from_params({"W1": text})
    assert len(parsed.warnings) == 1 and parsed.warnings[0].startswith("Ignored the link's W1:")
    assert text not in parsed.warnings[0] or text == "abc"
    np.testing.assert_array_equal(parsed.inputs.W1, a.W1)


def test_a_link_whose_matrices_disagree_in_size_applies_none_of_them():
    parsed = inputs_from_params({"X": "1,2,3", "W1": "1,2;3,4"})  # X says D = 3, W1 says D = 2
    assert parsed.inputs is a.DEFAULT_INPUTS
    assert len(parsed.warnings) == 1 and "none of them was applied" in parsed.warnings[0]
    assert "D = 3 in the link's X but 2 in the link's W1" in parsed.warnings[0]
    # a lone W1 of another shape would need X, b1 and W2 to change with it: nothing is invented for them
    lone = inputs_from_params({"W1": "1,2,3"})
    assert lone.inputs is a.DEFAULT_INPUTS
    assert "D = 2 in X (not in the link) but 1 in the link's W1" in lone.warnings[0]
    assert "H = 3 in the link's W1 but 2 in b1, W2 (not in the link)" in lone.warnings[0]
    # the same change with every partner given is applied as it stands
    whole = inputs_from_params({"X": "1,2,3", "W1": "1;2;3", "b1": "0.5", "W2": "0.5,0.6", "A1": "0.9",
                                "delta1": "-0.01"})
    assert whole.warnings == () and whole.inputs.dims == {"N": 1, "D": 3, "H": 1, "C": 2}
    np.testing.assert_array_equal(whole.inputs.W1, [[1.0], [2.0], [3.0]])
    np.testing.assert_array_equal(whole.inputs.A1_given, [[0.9]])
    # the values the assignment supplies, left out of a link that changes the sizes, are computed, not made up
    computed = inputs_from_params({"X": "1,2,3", "W1": "1;2;3", "b1": "0.5", "W2": "0.5,0.6"})
    assert computed.warnings == ()
    sol = a.solve(computed.inputs, "consistent")
    np.testing.assert_array_equal(computed.inputs.A1_given, sol.A1_computed)
    np.testing.assert_array_equal(computed.inputs.delta2, sol.delta2_computed)
    np.testing.assert_array_equal(computed.inputs.delta1_given, sol.delta1_computed)
    too_big = inputs_from_params({"X": "1,2,3,4,5"})
    assert "D = 5 is more than this page's limit of 4" in too_big.warnings[0]
    bad_mode = inputs_from_params({"mode": "<b>x</b>"})
    assert bad_mode.mode is None and "mode" in bad_mode.warnings[0]


def test_links_written_by_the_app_give_every_matrix_once_the_sizes_change():
    grown = a.DEFAULT_INPUTS.resized(N=2, D=2, H=3, C=2)
    params = params_from_inputs(grown, "assignment")
    assert set(params) == {"X", "W1", "b1", "W2", "delta2", "A1", "delta1", "b2", "y"}
    assert inputs_from_params(params).warnings == ()
    for name, value in inputs_from_params(params).inputs.as_dict().items():
        np.testing.assert_array_equal(value, getattr(grown, name))


# --- b2, y and the settings (lr, loss) ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["b2", "y"])
def test_b2_and_y_round_trip_through_the_url(name):
    inputs = a.DEFAULT_INPUTS.resized(N=3, D=2, H=2, C=3).with_values(b2=[0.1, -0.2, 0.3],
                                                                     y=[[0, 1, 0.5], [1, 1, 0], [0.25, 0, 1]])
    params = params_from_inputs(inputs, "consistent")
    parsed = inputs_from_params(params)
    assert parsed.warnings == ()
    np.testing.assert_array_equal(getattr(parsed.inputs, name), getattr(inputs, name))


@pytest.mark.parametrize("params, warning", [
    ({"y": "0,2"}, "y: targets must lie between 0 and 1"),
    ({"y": "0,1,1"}, "C = 2 in the link's W2 and b2 (not in the link) but 3 in the link's y"),
    ({"b2": "1;2"}, "b2: must be a single row"),
    ({"lr": "0"}, "lr: it must be a number above 0"),
    ({"lr": "-1"}, "lr: it must be a number above 0"),
    ({"lr": "1e9"}, "lr: it must be a number above 0 and at most 100"),
    ({"lr": "<b>x</b>"}, "lr: it must be a number"),
    ({"loss": "ce"}, "loss: it must be one of mse, bce"),
])
def test_bad_new_parameters_are_ignored_with_a_warning(params, warning):
    parsed = inputs_from_params(params | {"W2": "0.5,0.6;0.7,0.8"})
    settings = settings_from_params(params)
    said = parsed.warnings + settings.warnings
    assert any(warning in w for w in said), said
    assert all("<b>" not in w for w in said)
    np.testing.assert_array_equal(parsed.inputs.y, a.TRAIN_TARGET)
    np.testing.assert_array_equal(parsed.inputs.b2, a.B2)


def test_settings_round_trip_and_defaults_are_left_out():
    assert params_from_settings(a.DEFAULT_LR, "mse") == {}
    assert params_from_settings(0.1, "bce") == {"lr": "0.1", "loss": "bce"}
    back = settings_from_params({"lr": "0.1", "loss": "bce"})
    assert (back.lr, back.loss, back.warnings) == (0.1, "bce", ())
