"""Closing the loop on the pages: δ2 from a target on Problem 3, the bias gradients on Problems 3 and 4,
the new URL fields (b2, y, lr, loss), and what the pages say about them."""
import numpy as np
import pytest

from backprop import assignment as a
from dashboard.numbers import tex, tex_factor
from dashboard.urlstate import inputs_from_params, params_from_inputs, params_from_settings, settings_from_params
from tests.conftest import edit_cell, heatmaps, no_exception, open_page

DERIVED = "δ2 = ∂L/∂A2 ∗ σ′(Z2), from y"


def by_hand(y=a.TRAIN_TARGET, b2=(0.0, 0.0), loss="mse"):
    """δ2, ∂L/∂W2 and δ1 of the assignment's network from the target y, with plain numpy."""
    A1 = 1 / (1 + np.exp(-a.Z1))
    A2 = 1 / (1 + np.exp(-(A1 @ a.W2 + np.asarray(b2))))
    delta2 = (A2 - y) * A2 * (1 - A2) if loss == "mse" else A2 - y
    delta1 = (delta2 @ a.W2.T) * A1 * (1 - A1)
    return delta2, A1.T @ delta2, delta1


def text_of(at) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])


def test_consistent_problem_3_derives_delta2_from_y_and_says_so():
    at = open_page("output-gradient", {"mode": "consistent"})
    no_exception(at)
    delta2, dW2, _ = by_hand()
    maps = heatmaps(at)
    np.testing.assert_allclose(maps[DERIVED], delta2, rtol=1e-12)
    np.testing.assert_allclose(maps["∂L/∂W2 = A1ᵀ·δ2"], dW2, rtol=1e-12)
    np.testing.assert_allclose(maps["∂L/∂b2 = Σₙ δ2"], delta2, rtol=1e-12)
    latex = "\n".join(el.value for el in at.latex)
    for piece in (r"\sigma(1.046)", r"0.74 & -0.228", r"\frac{\partial L}{\partial A_2}", "0.2998",
                  r"0.1424 & -0.04014"):
        assert piece in latex, piece
    # the page's sentence about the loss is the package's number: ½(0.74² + 0.228²) = 0.2998
    assert abs(a.solve(mode="consistent").L - 0.29983) < 1e-5
    assert "the loss is L = 0.2998" in text_of(at)
    assert "derived from the target y" in text_of(at)


def test_editing_y_changes_delta2_and_a_target_outside_0_1_is_refused_with_a_message():
    at = open_page("output-gradient", {"mode": "consistent"})
    edit_cell(at, "y", 0, "output 1", 1.0)
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand(y=[[1.0, 1.0]])[0], rtol=1e-12)
    assert dict(at.query_params) == {"y": "1,1", "mode": "consistent"}
    edit_cell(at, "y", 0, "output 2", 2.0)
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any("y has 2 in row 1, column 2" in e and "between 0 and 1" in e for e in errors), errors
    assert any("last valid" in w.value for w in at.warning)
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand(y=[[1.0, 1.0]])[0], rtol=1e-12)  # kept


def test_the_loss_switch_changes_delta2():
    at = open_page("output-gradient", {"mode": "consistent", "loss": "bce"})
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand(loss="bce")[0], rtol=1e-12)
    assert at.radio(key="_widget_loss").value == "bce"
    at.radio(key="_widget_loss").set_value("mse").run()
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand()[0], rtol=1e-12)
    assert "loss" not in dict(at.query_params)


def test_assignment_mode_keeps_the_given_delta2_and_compares_it_with_the_derived_one():
    at = open_page("output-gradient")
    no_exception(at)
    maps = heatmaps(at)
    assert DERIVED not in maps
    np.testing.assert_allclose(maps["∂L/∂b2 = Σₙ δ2"], a.DELTA2, atol=1e-15)
    np.testing.assert_allclose(maps["∂L/∂W2 = A1ᵀ·δ2"], a.DW2, atol=1e-12)
    latex = "\n".join(el.value for el in at.latex)
    assert r"\delta_2^{\text{given}} - \delta_2^{\text{from } y}" in latex
    assert "the one the assignment gives" in text_of(at)


@pytest.mark.parametrize("mode", ["assignment", "consistent"])
def test_problem_4_shows_the_bias_gradient_of_the_delta1_it_uses(mode):
    at = open_page("hidden-gradient", {"mode": mode})
    no_exception(at)
    maps = heatmaps(at)
    expected = a.DELTA1_GIVEN if mode == "assignment" else by_hand()[2]
    np.testing.assert_allclose(maps["∂L/∂b1 = Σₙ δ1"], expected, rtol=1e-12)
    np.testing.assert_allclose(maps["∂L/∂W1 = Xᵀ·δ1"], a.X.T @ expected, rtol=1e-12)
    said = text_of(at)
    if mode == "assignment":
        assert "δ2 and δ1 here are the ones the assignment gives" in said
    else:
        assert "δ2 here is derived from the target y" in said
    latex = "\n".join(el.value for el in at.latex)
    assert r"\frac{\partial L}{\partial b_1} = \sum_n \delta_1[n,:]" in latex


def test_clicking_a_bias_cell_writes_out_its_sum():
    two_samples = a.DEFAULT_INPUTS.resized(N=2, D=2, H=2, C=2).with_values(X=[[1.0, 2.0], [3.0, 4.0]])
    at = open_page("hidden-gradient", params_from_inputs(two_samples, "consistent"))  # a link gives every matrix
    at.selectbox(key="db1_cell_col").set_value(1).run()
    no_exception(at)
    latex = "\n".join(el.value for el in at.latex)
    sol = a.solve(at.session_state["inputs"], "consistent")
    assert r"\frac{\partial L}{\partial b_1[2]}" in latex and r"\sum_n \delta_1[n,2] \cdot 1" in latex
    d = sol.delta1[:, 1]
    assert f"{tex(d[0])} + {tex_factor(d[1])} \\\\ &= {tex(d[0] + d[1])}" in latex


# --- the new URL fields -------------------------------------------------------------------------------


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


def test_a_link_with_a_bad_target_warns_on_the_page_and_keeps_the_default():
    at = open_page("output-gradient", {"y": "0,5", "mode": "consistent"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("y: targets must lie between 0 and 1" in w for w in warnings), warnings
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand()[0], rtol=1e-12)


# --- presenter mode: let the class guess first --------------------------------------------------------


def test_presenter_can_hold_back_each_result_until_the_next_click():
    from tests.conftest import figures

    at = open_page("forward-pass")
    at.sidebar.toggle[0].set_value(True).run()
    at.toggle(key="presenter_guess").set_value(True).run()
    no_exception(at)

    def next_click():
        next(b for b in at.button if b.label == "Next").click().run()

    while at.header[0].value != "Multiply X by W1: row times column":
        next_click()
    latex = "\n".join(el.value for el in at.latex)
    assert r"2 \times 0.1 + 3 \times 0.3" in latex and r"\begin{pmatrix} 1.1 & 1.6 \end{pmatrix}" not in latex
    assert not figures(at), "the heatmap of the result waits too"
    assert any(b.label == "Reveal the result" for b in at.button)
    assert "Step 3 of 6" in at.get("progress")[0].proto.text
    next_click()  # a clicker's next reveals the result first …
    assert at.header[0].value == "Multiply X by W1: row times column"
    assert r"\begin{pmatrix} 1.1 & 1.6 \end{pmatrix}" in "\n".join(el.value for el in at.latex)
    np.testing.assert_allclose(heatmaps(at)["X·W1"], [[1.1, 1.6]])
    next_click()  # … and then moves on, the next result hidden again
    assert at.header[0].value == "Add the bias" and not figures(at)
    next(b for b in at.button if b.label == "Previous").click().run()  # going back shows a step whole
    assert at.header[0].value == "Multiply X by W1: row times column" and figures(at)
