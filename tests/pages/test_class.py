"""AppTest tests of /class (a student joins, answers, submits; a reload keeps everything) against /teach's class
session (the instructor starts it, asks, closes, reveals, exports), on a throwaway SQLite database."""
from __future__ import annotations

import numpy as np
import pytest

from backprop import assignment as a
from dashboard.classroom import access, answers, db
from dashboard.nav import page_path
from dashboard.parsing import canonical
from tests.apptest import no_exception, open_page

KEY = "teach-key"


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_DB_URL", f"sqlite:///{tmp_path / 'class.sqlite3'}")
    monkeypatch.setenv(access.ENV, KEY)
    return db.store()


def student_joins(code: str, name: str = ""):
    at = open_page("class", {"join": code})
    no_exception(at)
    at.text_input[1].input(name)
    at.get("form_submit_button")[0].click().run()
    no_exception(at)
    return at


def type_and_submit(at, question, student_id, values=None):
    problem = answers.problem_for(question, student_id)
    for answer in problem.answers:
        M = answer.value if values is None else values[answer.key]
        grid = at.session_state["editor_keys"][f"answer_class_{question.id}_{answer.key}"]
        rows = {r: {f"{answer.col_name} {c + 1}": canonical(M[r, c]) for c in range(M.shape[1])}
                for r in range(M.shape[0])}
        at.session_state[grid] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key=f"class_submit_{question.id}").click().run()
    no_exception(at)
    return problem


def test_a_student_joins_answers_and_a_reload_keeps_their_answer(store):
    session = store.create_session()
    question = store.ask(session.id, "output", 3, "1,2,2,2")
    at = student_joins(session.code, "<b>Ana</b>")
    student = store.student(dict(at.query_params)["me"])
    assert student.name == "<b>Ana</b>" and [t.value for t in at.text] == [
        f"Class session {session.code} · you joined as <b>Ana</b>"], "shown as text"
    assert not any("<b>" in m.value for m in at.markdown)
    assert at.header[0].value == "Question 1: The output layer's gradient"
    type_and_submit(at, question, student.id)
    assert len(store.submissions(question_id=question.id)) == 1
    assert [s.value for s in at.success][:2] == ["All 4 cells are right.", "All 2 cells are right."]
    at.button(key=f"class_submit_{question.id}").click().run()  # a double click: the same answer once more
    assert len(store.submissions(question_id=question.id)) == 1
    reloaded = open_page("class", dict(at.query_params))
    no_exception(reloaded)
    assert "Your answer (attempt 1, stored)" in [s.value for s in reloaded.subheader]


def test_a_wrong_answer_names_its_misconception_and_a_closed_question_takes_no_more(store):
    session = store.create_session()
    question = store.ask(session.id, "output", 3, "1,2,2,2")
    at = student_joins(session.code)
    student = store.student(dict(at.query_params)["me"])
    problem = answers.problem_for(question, student.id)
    right = {a.key: a.value for a in problem.answers}
    type_and_submit(at, question, student.id, {**right, "dW2": right["dW2"].T})
    assert any("Looks like: δ2ᵀ·A1 instead of A1ᵀ·δ2." in w.value for w in at.warning)
    assert store.submissions(question_id=question.id)[0].misconception == "dW2_transposed"
    store.set_status(question.id, "closed")
    at.run()
    assert f"class_submit_{question.id}" not in [b.key for b in at.button], "no Submit for a closed question"


def test_marked_when_the_question_closes(store):
    session = store.create_session()
    question = store.ask(session.id, "forward", 1, "1,2,2,2", marking="close")
    at = student_joins(session.code)
    type_and_submit(at, question, store.student(dict(at.query_params)["me"]).id)
    assert not at.success and "Your instructor marks the answers when the question closes." in \
        [c.value for c in at.caption]
    store.set_status(question.id, "closed")
    at.run()
    assert [s.value for s in at.success][:2] == ["All 2 cells are right.", "All 2 cells are right."]


def test_unknown_and_ended_sessions_are_named(store):
    at = open_page("class", {"join": "QQQQQQ"})
    at.get("form_submit_button")[0].click().run()
    assert any("no class session with that code" in e.value for e in at.error)
    session = store.create_session()
    store.end_session(session.id)
    at = open_page("class", {"join": session.code})
    at.get("form_submit_button")[0].click().run()
    assert any("has ended" in e.value for e in at.error)


def unlocked_teach():
    at = open_page("teach")
    at.text_input[0].input(KEY)
    at.get("form_submit_button")[0].click().run()
    no_exception(at)
    return at


def test_the_instructor_starts_asks_and_sees_the_answers_counted(store):
    at = unlocked_teach()
    next(b for b in at.button if b.label == "Start a class session").click().run()
    session = store.sessions()[0]
    assert at.header[0].value == f"Class session {session.code}"
    assert any(f"/class?join={session.code}" in c.value for c in at.code)
    assert at.get("imgs") or at.get("image"), "the QR code"
    next(b for b in at.button if b.label == "Ask this question").click().run()
    question = store.current_question(session.id)
    assert (question.kind, question.seed, question.size) == ("forward", 1, "1,2,2,2"), "the default question"
    students = [student_joins(session.code, name) for name in ("Ana", "Ben")]
    type_and_submit(students[0], question, store.student(dict(students[0].query_params)["me"]).id)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Joined"] == "2" and metrics["Answered"] == "1" and metrics["Right"] == "1"
    downloads = {d.proto.label: d for d in at.get("download_button")}
    assert "All submissions (CSV)" in downloads and "Scores (CSV)" in downloads


def test_a_student_browser_without_the_key_sees_no_class_data(store):
    session = store.create_session()
    store.ask(session.id, "forward", 1, "1,2,2,2")
    student_joins(session.code, "Ana")
    at = open_page("teach")
    assert not at.get("download_button") and not at.metric and session.code not in " ".join(
        m.value for m in at.markdown)


# --- a presenter step, asked of the class -----------------------------------------------------------------------


def math(at) -> list[str]:
    """The page's LaTeX, without its $$ and size."""
    return [el.value.strip("$\n").removeprefix("\\large ") for el in at.latex]


def presenting_forward_pass(at):
    """``at`` (an unlocked /teach) on /forward-pass in presenter mode, letting the class guess, at 'Add the bias'."""
    at.switch_page(page_path("forward-pass"))
    at.run()
    at.sidebar.toggle[0].set_value(True).run()
    at.toggle(key="presenter_guess").set_value(True).run()
    while at.header[0].value != "Add the bias":
        next(b for b in at.button if b.label == "Next").click().run()
    no_exception(at)
    return at


def test_a_presenter_step_is_asked_and_each_student_answers_it_by_the_one_rule(store):
    at = unlocked_teach()
    next(b for b in at.button if b.label == "Start a class session").click().run()
    session = store.sessions()[0]
    presenting_forward_pass(at)
    hidden = math(at)
    ask = next(b for b in at.button if b.label == f"Ask the class (session {session.code})")
    ask.click().run()
    no_exception(at)
    question = store.current_question(session.id)
    assert (question.kind, question.number) == ("step", 1)
    problem = answers.problem_for(question, 1)
    Z1 = a.solve(a.DEFAULT_INPUTS, "assignment").Z1
    np.testing.assert_array_equal(problem.answers[0].value, Z1)  # the matrix the step is about to reveal
    assert problem.question[-1] in hidden, "the students see the step as the projector shows it, without its result"
    assert at.header[0].value == "Add the bias", "asking leaves the projector where it was, the result still hidden"

    right, wrong = student_joins(session.code, "Ana"), student_joins(session.code, "Ben")
    assert right.header[0].value == "Question 1: Step: Add the bias"
    assert math(right) == list(problem.question)
    type_and_submit(right, question, store.student(dict(right.query_params)["me"]).id)
    assert "All 2 cells are right." in [s.value for s in right.success]
    forgot_bias = {"Z1": a.solve(a.DEFAULT_INPUTS, "assignment").XW1}  # X·W1 typed, the bias left out
    type_and_submit(wrong, question, store.student(dict(wrong.query_params)["me"]).id, forgot_bias)
    assert not any("cells are right" in s.value for s in wrong.success)
    stored = {s.student_id: s.correct for s in store.submissions(question_id=question.id)}
    assert sorted(stored.values()) == [False, True]
    at.run()
    assert any(c.value == "Question 1 (Step: Add the bias): 2 of 2 answered, 1 right." for c in at.caption)
    store.set_status(question.id, "revealed")
    right.run()
    assert problem.equations[-1] in math(right), \
        "the revealed step shows its result"
    csv_rows = answers.submissions_csv(session.code, store.questions(session.id), store.students(session.id),
                                       store.submissions(session_id=session.id)).splitlines()
    assert len(csv_rows) == 3 and all(",step," in row for row in csv_rows[1:])


def test_only_an_unlocked_instructor_with_a_session_is_offered_to_ask_a_step(store):
    store.create_session()  # a session in progress, started by the instructor in another browser
    at = presenting_forward_pass(open_page("overview"))
    assert not any(b.label.startswith("Ask the class") for b in at.button), "a student presenting sees no ask"
    teach = unlocked_teach()  # unlocked, but running no class session in this browser
    presenting_forward_pass(teach)
    assert not any(b.label.startswith("Ask the class") for b in teach.button)
