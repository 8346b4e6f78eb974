"""AppTest tests of the /practice page: a seed's problem shown and graded from a link, and bad links refused."""
import numpy as np

from backprop.practice import Size, make_problem
from dashboard.numbers import tex
from dashboard.parsing import canonical
from dashboard.practice.session import read_link
from tests.apptest import no_exception, open_page
from tests.pages._helpers import latex_text


def answer(at, problem, key, M):
    grid = at.session_state["editor_keys"][f"answer_practice_{problem.kind}_{problem.seed}_" +
                                           "".join(str(getattr(problem.size, d)) for d in "NDHC") + f"_{key}"]
    col = next(a for a in problem.answers if a.key == key).col_name
    M = np.atleast_2d(M)
    rows = {r: {f"{col} {c + 1}": canonical(M[r, c]) for c in range(M.shape[1])} for r in range(M.shape[0])}
    at.session_state[grid] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_a_link_with_a_seed_shows_that_seeds_numbers_and_grades_answers():
    at = open_page("practice", {"kind": "output", "seed": "1234"})
    no_exception(at)
    problem = make_problem("output", Size(), 1234)
    shown = latex_text(at)
    for value in problem.givens["A1"].reshape(-1):
        assert tex(value) in shown
    assert dict(at.query_params) == {"kind": "output", "seed": "1234", "score": "0.0.0.0.0"}
    dW2 = problem.answers[0].value
    answer(at, problem, "dW2", dW2.T)
    assert any("Looks like: δ2ᵀ·A1 instead of A1ᵀ·δ2." in w.value for w in at.warning)
    answer(at, problem, "dW2", dW2)
    answer(at, problem, "db2", problem.answers[1].value)
    assert [s.value for s in at.success] == ["All 4 cells are right.", "All 2 cells are right."]
    assert {m.label: m.value for m in at.metric} == {"Problems tried": "1", "Right first time, unaided": "0",
                                                     "Streak": "0", "Solved with help": "0"}
    assert "Worked solution" in [h.value for h in at.header]
    assert r"A_1^T" not in shown  # hidden until asked for
    next(b for b in at.button if b.label == "Show the whole solution").click().run()
    assert r"A_1^T" in latex_text(at) and r"\frac{\partial L}{\partial W_2}" in latex_text(at)


def test_a_bad_link_is_refused_by_name():
    at = open_page("practice", {"kind": "<b>x</b>", "seed": "1e99", "size": "1,2,9,2"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("kind" in w for w in warnings) and any("seed" in w for w in warnings)
    assert any("H must be a whole number from 1 to 3" in w for w in warnings)
    assert all("<b>" not in w for w in warnings)
    assert read_link({"seed": "7", "size": "2,3,2,1"})[0]["practice_N"] == 2


def test_an_answer_typed_after_a_step_was_shown_is_marked_but_not_counted_as_unaided():
    at = open_page("practice", {"kind": "output", "seed": "1234"})
    problem = make_problem("output", Size(), 1234)
    next(b for b in at.button if b.label.startswith("Show the next step")).click().run()
    assert "Step 1" in " ".join(m.value for m in at.markdown), "one step is shown"
    answer(at, problem, "dW2", problem.answers[0].value)
    answer(at, problem, "db2", problem.answers[1].value)
    assert [s.value for s in at.success] == ["All 4 cells are right.", "All 2 cells are right."], "marked all the same"
    score = {m.label: m.value for m in at.metric}
    assert score == {"Problems tried": "1", "Right first time, unaided": "0", "Streak": "0", "Solved with help": "1"}
    assert dict(at.query_params)["score"] == "1.0.0.1.1"  # tried, unaided, streak, with help, steps shown


def test_a_reload_keeps_the_score_and_the_problem_in_progress():
    at = open_page("practice", {"kind": "output", "seed": "1234"})
    problem = make_problem("output", Size(), 1234)
    answer(at, problem, "dW2", problem.answers[0].value)
    answer(at, problem, "db2", problem.answers[1].value)
    first = {m.label: m.value for m in at.metric}
    assert first["Right first time, unaided"] == "1" and first["Streak"] == "1"
    params = dict(at.query_params)
    reloaded = open_page("practice", params)  # a reload: a new session from the address bar
    no_exception(reloaded)
    assert {m.label: m.value for m in reloaded.metric} == first
    # a wrong first attempt, then a reload: the retyped right answer is still not a first attempt
    half = open_page("practice", {"kind": "output", "seed": "77"})
    other = make_problem("output", Size(), 77)
    answer(half, other, "dW2", other.answers[0].value.T * 2)
    params = dict(half.query_params)
    assert "att" in params and params["att"] == "dW2.w"
    again = open_page("practice", params)
    answer(again, other, "dW2", other.answers[0].value)
    answer(again, other, "db2", other.answers[1].value)
    score = {m.label: m.value for m in again.metric}
    assert score["Problems tried"] == "1" and score["Right first time, unaided"] == "0"


def test_a_score_link_that_does_not_add_up_is_refused_by_name():
    at = open_page("practice", {"kind": "output", "seed": "1", "score": "1.5.0.0.0", "att": "<b>"})
    warnings = [w.value for w in at.warning]
    assert any("score" in w and "do not add up" in w for w in warnings)
    assert any("att" in w for w in warnings) and all("<b>" not in w for w in warnings)
    assert {m.label: m.value for m in at.metric}["Problems tried"] == "0"
