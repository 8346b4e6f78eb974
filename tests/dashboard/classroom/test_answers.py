"""Tests of dashboard.classroom.answers: the problem each student gets, marking with the one rule, what the
instructor sees, and the exports (one row per stored answer)."""
from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

from backprop import tolerance
from dashboard.classroom import answers
from dashboard.classroom.store import Store


@pytest.fixture
def db(tmp_path) -> Store:
    return Store(f"sqlite:///{tmp_path / 'class.sqlite3'}")


def submit(db, question, student, values, digits=None):
    problem = answers.problem_for(question, student.id)
    marked = answers.mark(problem, values, digits)
    return db.submit(question.id, student.id, seed=problem.seed, answer={k: np.asarray(v).tolist()
                                                                          for k, v in values.items()},
                     marks=marked.marks, correct=marked.correct, misconception=marked.misconception)


def right_values(problem):
    return {a.key: a.value for a in problem.answers}


def test_a_variant_per_student_is_the_same_every_time_and_differs_between_students(db):
    session = db.create_session()
    question = db.ask(session.id, "forward", 1, "1,2,2,2", per_student=True)
    seeds = {answers.variant_seed(question, sid) for sid in range(1, 40)}
    assert len(seeds) > 35 and answers.variant_seed(question, 7) == answers.variant_seed(question, 7)
    same = db.ask(session.id, "forward", 5, "1,2,2,2")
    assert {answers.variant_seed(same, sid) for sid in range(1, 10)} == {5}


def test_marking_uses_the_one_rule_and_names_the_misconception():
    from dashboard.classroom.store import Question

    question = Question(1, 1, 1, "output", 3, "1,2,2,2", False, "now", "open", None, None)
    problem = answers.problem_for(question, 1)
    values = right_values(problem)
    three = {k: np.vectorize(lambda x: float(f"{x:.3g}"))(v) for k, v in values.items()}
    assert answers.mark(problem, three).correct, "right to 3 significant figures"
    transposed = {**values, "dW2": values["dW2"].T}
    marked = answers.mark(problem, transposed)
    assert not marked.correct and marked.misconception == "dW2_transposed"
    assert answers.misconception_label(marked.misconception) == "δ2ᵀ·A1 instead of A1ᵀ·δ2"
    off = {**values, "db2": values["db2"] * 1.02}
    assert not answers.mark(problem, off).correct, "2 % off is wrong"
    assert np.all(tolerance.right(three["dW2"], values["dW2"]))
    with pytest.raises(ValueError, match="no answer for db2"):
        answers.mark(problem, {"dW2": values["dW2"]})


def test_counts_misconceptions_and_first_attempts(db):
    session = db.create_session()
    question = db.ask(session.id, "output", 3, "1,2,2,2")
    ana, ben, cy = (db.join(session.code, n) for n in ("Ana", "Ben", "Cy"))
    problem = answers.problem_for(question, ana.id)
    right = right_values(problem)
    wrong = {**right, "dW2": right["dW2"].T}
    submit(db, question, ana, right)
    submit(db, question, ben, wrong)
    submit(db, question, ben, right)  # corrected on the second attempt
    submit(db, question, cy, wrong)
    mine = db.submissions(question_id=question.id)
    n = answers.counts(4, mine)
    assert (n.joined, n.answered, n.right, n.right_first) == (4, 3, 2, 1)
    assert answers.misconceptions(mine) == [("δ2ᵀ·A1 instead of A1ᵀ·δ2", 1)], "latest answers only: Cy's"
    shares = answers.first_attempt_shares(db.questions(session.id), db.submissions(session_id=session.id))
    assert shares == [{"question": 1, "kind": "The output layer's gradient", "answered": 3,
                       "right at the first attempt": "33%"}]


def test_the_spread_of_a_cell_is_its_relative_errors_and_its_most_common_wrong_value(db):
    session = db.create_session()
    question = db.ask(session.id, "forward", 2, "1,2,2,2")
    students = [db.join(session.code) for _ in range(3)]
    right = right_values(answers.problem_for(question, students[0].id))
    off = {k: v.copy() for k, v in right.items()}
    off["Z1"][0, 0] *= 1.1
    submit(db, question, students[0], right)
    submit(db, question, students[1], off)
    submit(db, question, students[2], off)
    rows = {row["cell"]: row for row in answers.cell_spread(question, db.submissions(question_id=question.id))}
    first = rows["Z1[1,1]"]
    assert first["typed"] == 3 and first["right"] == 1
    np.testing.assert_allclose(sorted(first["errors"]), [0.0, 0.1, 0.1], atol=1e-12)
    assert first["most common wrong value"].endswith("(2)")
    assert rows["A1[1,2]"]["right"] == 3


def test_variants_say_who_got_which(db):
    session = db.create_session()
    question = db.ask(session.id, "forward", 1, "1,2,2,2", per_student=True)
    ana, ben = db.join(session.code, "Ana"), db.join(session.code, "Ben")
    submit(db, question, ana, right_values(answers.problem_for(question, ana.id)))
    table = answers.variants(question, db.submissions(question_id=question.id), [ana, ben])
    assert sorted(name for row in table for name in row["students"].split(", ")) == ["Ana", "Ben"]
    assert sum(row["answered"] for row in table) == 1 and sum(row["right"] for row in table) == 1


def test_the_submissions_file_has_one_row_per_stored_answer_and_the_scores_one_per_student(db):
    session = db.create_session()
    q1 = db.ask(session.id, "output", 3, "1,2,2,2")
    ana, ben = db.join(session.code, "Ana"), db.join(session.code, "Ben")
    right = right_values(answers.problem_for(q1, ana.id))
    submit(db, q1, ana, right)
    submit(db, q1, ana, right)  # the same answer again: stored once
    submit(db, q1, ben, {**right, "dW2": right["dW2"].T})
    q2 = db.ask(session.id, "output", 4, "1,2,2,2")
    submit(db, q2, ana, {**right_values(answers.problem_for(q2, ana.id))})
    subs = db.submissions(session_id=session.id)
    rows = list(csv.DictReader(io.StringIO(answers.submissions_csv(session.code, db.questions(session.id),
                                                                   db.students(session.id), subs))))
    assert len(rows) == len(subs) == 3 and list(rows[0]) == answers.SUBMISSION_COLUMNS
    ben_row = next(r for r in rows if r["display name"] == "Ben")
    assert ben_row["correct"] == "no" and ben_row["misconception"] == "δ2ᵀ·A1 instead of A1ᵀ·δ2"
    np.testing.assert_allclose(json.loads(ben_row["submitted answer"])["dW2"], right["dW2"].T)
    np.testing.assert_allclose(json.loads(ben_row["true answer"])["dW2"], right["dW2"])
    scores = list(csv.DictReader(io.StringIO(answers.scores_csv(db.questions(session.id), db.students(session.id),
                                                                 subs))))
    assert [(r["display name"], r["points"], r["maximum"]) for r in scores] == [("Ana", "2", "2"), ("Ben", "0", "2")]


def test_the_class_checker_marks_with_the_one_rule(monkeypatch):
    """As backprop's checkers do (tests/backprop/test_tolerance.py): with the rule replaced by one that calls every
    cell right, a nonsense answer is right; with the real rule it is wrong."""
    from dashboard.classroom.store import Question

    question = Question(1, 1, 1, "forward", 1, "1,2,2,2", False, "now", "open", None, None)
    problem = answers.problem_for(question, 1)
    nonsense = {a.key: np.full(a.value.shape, 123.0) for a in problem.answers}
    assert not answers.mark(problem, nonsense).correct
    monkeypatch.setattr(tolerance, "right", lambda answer, expected, *rest: np.ones(np.shape(expected), dtype=bool))
    assert answers.mark(problem, nonsense).correct


# --- a presenter step asked of the class ---------------------------------------------------------------------------


def _bias_step():
    from backprop import assignment as a
    from dashboard import steps

    sol = a.solve(a.DEFAULT_INPUTS, "assignment")
    return sol, next(s for s in steps.forward_steps(sol) if s.key == "z1_bias")


def test_a_step_question_keeps_the_steps_text_and_its_result_exactly():
    sol, step = _bias_step()
    value = sol.Z1 + 1e-13  # floats that do not print short
    problem = answers.step_problem(answers.step_payload("forward-pass", step, value, "Z1", "sample", "unit"))
    assert (problem.page, problem.title, problem.question) == ("forward-pass", "Add the bias", step.question)
    assert problem.equations == step.equations and problem.answers[0].key == step.focus[0]
    np.testing.assert_array_equal(problem.answers[0].value, value)  # written and read back exactly


def test_a_step_answer_is_marked_by_the_one_rule():
    sol, step = _bias_step()
    problem = answers.step_problem(answers.step_payload("forward-pass", step, sol.Z1, "Z1", "sample", "unit"))
    close = np.vectorize(lambda v: float(f"{v:.3g}"))(sol.Z1)  # 3 significant figures: right
    off = sol.Z1 * (1 + 0.006)  # 0.6 % off in every cell: wrong at the third figure
    assert answers.mark(problem, {"Z1": close}).correct
    marked = answers.mark(problem, {"Z1": off})
    assert not marked.correct and marked.misconception == ""


def test_a_step_that_computes_nothing_cannot_be_asked():
    from dataclasses import replace

    sol, step = _bias_step()
    with pytest.raises(ValueError, match="'z1_bias' computes nothing to ask"):
        answers.step_payload("forward-pass", replace(step, question=None), sol.Z1, "Z1", "sample", "unit")
    with pytest.raises(ValueError, match="not finite"):
        answers.step_payload("forward-pass", step, sol.Z1 * np.nan, "Z1", "sample", "unit")
