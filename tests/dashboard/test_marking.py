"""Tests of dashboard.marking: the words per cell, the banner and the hints, from backprop's diagnosis."""
import numpy as np

from backprop import assignment as a
from backprop.mistakes import check_answer
from dashboard.marking import cell_word, mark
from tests._examples import SOL


def test_a_right_answer_is_marked_right_in_every_cell():
    m = mark(check_answer("dW2", SOL, a.DW2))
    assert m.verdict == "right" and m.summary == "All 4 cells are right."
    assert m.cells == [["✓", "✓"], ["✓", "✓"]] and not m.hints and not m.unexplained


def test_a_transposed_answer_names_the_mistake():
    m = mark(check_answer("dW2", SOL, a.DW2.T))
    assert m.verdict == "wrong" and m.summary == "2 of 4 cells are off."
    assert [label for label, _, _ in m.hints] == ["δ2ᵀ·A1 instead of A1ᵀ·δ2"]
    assert m.cells[0][1] == "too high" and m.cells[1][0] == "too low"  # −0.27 ↔ 0.19
    assert not m.unexplained


def test_an_answer_no_mistake_explains_says_so():
    m = mark(check_answer("dW2", SOL, np.array([[0.18, -0.27], [0.19, 5.0]])))
    assert m.verdict == "wrong" and m.unexplained and not m.hints
    assert m.cells[1][1] == "too high"


def test_cell_words():
    assert (cell_word(True, 1.0), cell_word(False, 0.1), cell_word(False, -0.1)) == ("✓", "too high", "too low")


def test_the_other_modes_gradient_typed_as_the_page_prints_it_is_named():
    # Problem 3 in the assignment's mode, answered with the consistent mode's ∂L/∂W2 to four digits
    consistent = a.solve(a.DEFAULT_INPUTS, "consistent").dW2
    typed = np.array([[float(f"{v:.3g}") for v in row] for row in consistent])
    digits = np.full(typed.shape, 3)
    m = mark(check_answer("dW2", SOL, typed, digits))
    assert [label for label, _, _ in m.hints] == ["the other mode's ∂L/∂W2"] and not m.unexplained


def test_a_named_mistake_is_not_also_called_a_rounding_slip():
    # the assignment's given δ1 (−0.01, −0.02) typed for Problem 4's δ1: −0.01 is also −0.0112 rounded, by chance
    typed = np.array([[-0.01, -0.02]])
    m = mark(check_answer("delta1", SOL, typed, np.array([[1, 1]])))
    assert [label for label, _, _ in m.hints] == ["the δ1 the assignment gives"]


def test_the_rounding_diagnosis_needs_the_digits_typed():
    sol = a.solve()
    coarse = check_answer("dW2", sol, [[0.18, -0.27], [0.19, -0.29]], digits=[[2, 2], [2, 2]])
    assert coarse.rounded.tolist() == [[False, False], [False, True]] and coarse.digits_needed == 3
    assert mark(coarse).hints[0][0] == "rounding"
    typo = check_answer("dW2", sol, [[0.18, -0.27], [0.19, -0.29]], digits=[[2, 2], [2, 3]])  # typed -0.290
    assert not typo.rounded.any() and mark(typo).unexplained
    hidden = mark(coarse, reveal=False).hints[0][1]
    assert "-0.285" not in hidden  # with the solution hidden, the hint gives no number away
