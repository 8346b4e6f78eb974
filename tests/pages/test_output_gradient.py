"""AppTest tests of the /output-gradient page (Problem 3, pages/3_output-gradient.py).

The solution report's ∂L/∂W2, δ2 from a target y and the loss, the bias gradient, the sample count, checking an answer,
and solutions hidden until revealed."""
import numpy as np

from backprop import assignment as a
from dashboard.parsing import canonical
from tests.apptest import edit_cell, figures, heatmaps, no_exception, open_page
from tests.pages._helpers import answer, by_hand, latex_text, text_of


def test_output_gradient_shows_the_solution_reports_dW2():
    at = open_page("output-gradient")
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"], [[0.18, -0.27], [0.19, -0.285]], atol=1e-12)
    assert r"0.95 \times (-0.3)" in latex_text(at)


def test_growing_n_makes_the_gradient_a_sum_over_samples():
    at = open_page("output-gradient")
    at.selectbox(key="_size_N").set_value(2).run()
    no_exception(at)
    inputs = at.session_state["inputs"]
    assert inputs.dims["N"] == 2
    dW2 = heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"]
    np.testing.assert_allclose(dW2, inputs.A1_given.T @ inputs.delta2)
    assert "N = 2 samples" in " ".join(c.value for c in at.caption)


DERIVED = "δ2 = ∂L/∂A2 ∗ σ′(Z2), from y"


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


def test_a_link_with_a_bad_target_warns_on_the_page_and_keeps_the_default():
    at = open_page("output-gradient", {"y": "0,5", "mode": "consistent"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("y: targets must lie between 0 and 1" in w for w in warnings), warnings
    np.testing.assert_allclose(heatmaps(at)[DERIVED], by_hand()[0], rtol=1e-12)


def test_a_pasted_target_the_loss_cannot_take_is_refused_before_it_is_offered():
    at = open_page("output-gradient", {"mode": "consistent"})
    at.text_area(key="paste_y").input("2 3").run()
    no_exception(at)
    assert any("The pasted y cannot be used" in e.value and "between 0 and 1" in e.value for e in at.error), \
        [e.value for e in at.error]
    assert not [b for b in at.button if b.key == "paste_y_apply"]
    np.testing.assert_array_equal(at.session_state["inputs"].y, [[0.0, 1.0]])


def test_an_exact_answer_is_drawn_right_with_no_coloured_cell_and_no_noise():
    at = open_page("output-gradient")
    exact = [[canonical(v) for v in row] for row in a.DW2]  # 0.9 × −0.3 is −0.27000000000000002 in floats
    answer(at, "dW2", "output", exact)
    no_exception(at)
    assert any(s.value == "All 4 cells are right." for s in at.success)
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Your"))
    assert [t for row in fig["data"][0]["text"] for t in row] == ["✓"] * 4
    from tests.apptest import plotly_array
    assert not plotly_array(fig["data"][0]["z"]).any()  # every cell at the scale's white centre


def test_a_rounded_answer_gets_the_rounding_hint():
    at = open_page("output-gradient")
    answer(at, "dW2", "output", [["0.18", "-0.27"], ["0.19", "\u22120.29"]])
    no_exception(at)
    hints = [w.value for w in at.warning]
    assert any("Looks like: rounding." in h and "rounded to 2 significant figures, as you typed it" in h
               and "give 3 significant figures" in h and "as in -0.285" in h for h in hints), hints
    assert not [i.value for i in at.info if "None of the usual mistakes" in i.value]


def test_hidden_solutions_wait_for_reveal_and_the_check_does_not_give_numbers_away():
    at = open_page("output-gradient")
    at.sidebar.toggle[1].set_value(True).run()  # "Hide solutions until I ask"
    no_exception(at)
    assert "∂L/∂W2 = A1ᵀ·δ2" not in heatmaps(at)
    assert not at.latex or all("0.18" not in el.value for el in at.latex)
    answer(at, "dW2", [[0.18, -0.27], [0.19, 0.3]])
    fig = next(f for f in figures(at) if f["layout"]["title"]["text"].startswith("Your"))
    cells = [t for row in fig["data"][0]["text"] for t in row]
    assert cells == ["✓", "✓", "✓", "too high"]
    next(b for b in at.button if b.label == "Reveal the solution").click().run()
    np.testing.assert_allclose(heatmaps(at)["∂L/∂W2 = A1ᵀ·δ2"], a.DW2, atol=1e-12)
    assert any("0.18" in el.value for el in at.latex)
