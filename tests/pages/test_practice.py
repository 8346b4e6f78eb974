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
    assert dict(at.query_params) == {"kind": "output", "seed": "1234"}
    dW2 = problem.answers[0].value
    answer(at, problem, "dW2", dW2.T)
    assert any("Looks like: δ2ᵀ·A1 instead of A1ᵀ·δ2." in w.value for w in at.warning)
    answer(at, problem, "dW2", dW2)
    answer(at, problem, "db2", problem.answers[1].value)
    assert [s.value for s in at.success] == ["All 4 cells are right.", "All 2 cells are right."]
    assert {m.label: m.value for m in at.metric} == {"Problems tried": "1", "Right first time": "0", "Streak": "0"}
    assert "Worked solution" in [h.value for h in at.header]
    assert r"A_1^T" not in shown  # hidden until revealed
    next(b for b in at.button if b.label == "Reveal the worked solution").click().run()
    assert r"A_1^T" in latex_text(at) and r"\frac{\partial L}{\partial W_2}" in latex_text(at)


def test_a_bad_link_is_refused_by_name():
    at = open_page("practice", {"kind": "<b>x</b>", "seed": "1e99", "size": "1,2,9,2"})
    no_exception(at)
    warnings = [w.value for w in at.warning]
    assert any("kind" in w for w in warnings) and any("seed" in w for w in warnings)
    assert any("H must be a whole number from 1 to 3" in w for w in warnings)
    assert all("<b>" not in w for w in warnings)
    assert read_link({"seed": "7", "size": "2,3,2,1"})[0]["practice_N"] == 2
