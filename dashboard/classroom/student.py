"""/class, the student's side of a class session: join with a code (and a display name, shown as text only), see the
question the instructor asks within two seconds, answer it in the practice grids and submit; a reload or a dead
replica loses nothing (the resume token is in the address, the answers in the database)."""
from __future__ import annotations

import streamlit as st

from dashboard import display, editors, solution, steps
from dashboard.classroom import answers, db
from dashboard.classroom.store import MAX_NAME, ClassError, Question, Student
from dashboard.practice import problems

JOIN, ME = "join", "me"
_SHOWN = "class_shown_question"
#: How often a student's page asks whether the question changed (seconds).
POLL = 2.0


def arrive() -> Student | None:
    """The student this browser is, from the resume token in the address (``me``), or None before joining."""
    token = st.query_params.get(ME, "")
    return db.store().student(token) if token else None


def join_form() -> None:
    """Join a session: the code (from the link, or typed) and an optional display name."""
    code = st.query_params.get(JOIN, "")
    st.markdown("Join your class's session with the code your instructor shows (or open their link).")
    with st.form("class_join"):
        typed = st.text_input("Join code", value=code, max_chars=12, autocomplete="off")
        name = st.text_input("Display name (optional)", max_chars=MAX_NAME,
                             help="Shown to your instructor beside your answers; leave it empty to stay anonymous.")
        joined = st.form_submit_button("Join", icon=":material/login:", type="primary")
    if joined:
        try:
            student = db.store().join(typed, name)
        except ClassError as exc:
            st.error(f"Could not join: {exc}.", icon=":material/error:")
            return
        st.query_params.from_dict({JOIN: db.store().session(student.session_id).code, ME: student.token})
        st.rerun()


@st.fragment(run_every=POLL)
def watch(student: Student) -> None:
    """Reload the page's question when the instructor asks, closes or reveals one (checked every POLL seconds)."""
    question = db.store().current_question(student.session_id)
    seen = None if question is None else (question.id, question.status)
    if seen != st.session_state.get(_SHOWN):
        st.rerun(scope="app")


def question_view(student: Student) -> None:
    store = db.store()
    session = store.session(student.session_id)
    question = store.current_question(student.session_id)
    st.session_state[_SHOWN] = None if question is None else (question.id, question.status)
    who = student.name or "anonymous"
    st.text(f"Class session {session.code} · you joined as {who}")  # st.text: a name is never Markdown or HTML
    watch(student)
    if not session.open:
        st.info("This class session has ended.", icon=":material/stop_circle:")
    if question is None:
        st.info("Waiting for your instructor's first question: it appears here by itself.", icon=":material/schedule:")
        return
    problem = answers.problem_for(question, student.id)
    st.header(f"Question {question.number}: {answers.title(question)}")
    if isinstance(problem, answers.StepProblem):  # a step of the lecture: what is on the projector, without its result
        answer = problem.answers[0]
        st.markdown(f"Your instructor's step: compute **{answer.symbol}** "
                    f"({answer.value.shape[0]} × {answer.value.shape[1]}).")
        for line in problem.question:
            display.latex(line)
    else:
        st.markdown(problems.TASKS[problem.kind])
        display.latex_row(problems.givens_parts(problem))
    mine = store.submissions(question_id=question.id, student_id=student.id)
    last = mine[-1] if mine else None
    marked_now = question.marking == "now" or question.status != "open"
    if question.status == "open" and session.open:
        answer_form(question, student, problem, last)
    elif last is None:
        st.info("This question is closed: no answer from you was stored.", icon=":material/block:")
    if last is not None:
        st.subheader(f"Your answer (attempt {last.attempt}, stored)")
        for answer in problem.answers:
            typed = last.answer[answer.key]
            st.markdown(f"**{answer.symbol}**")
            if marked_now:
                result = answers.check(problem, answer.key, typed)
                editors.show_marking(f"class_{question.id}_{answer.key}", answer.symbol, result, answer.row_name,
                                     answer.col_name, reveal=question.status == "revealed", quantity=answer.key)
            else:
                display.show_table(typed, row_name=answer.row_name, col_name=answer.col_name)
        if not marked_now:
            st.caption("Your instructor marks the answers when the question closes.")
    if question.status == "revealed":
        st.header("Worked solution")
        if isinstance(problem, answers.StepProblem):
            for line in problem.equations:
                display.latex(line)
            if problem.note:
                st.caption(problem.note)
        else:
            solution.show_steps(steps.for_screens(problems.worked_steps, problem))


def answer_form(question: Question, student: Student, problem, last) -> None:
    """The answer grids and Submit: stored once, however often it is clicked."""
    st.subheader("Your answer")
    typed = {}
    for answer in problem.answers:
        st.markdown(f"**{answer.symbol}**")
        typed[answer.key] = editors.typed_grid(f"class_{question.id}_{answer.key}", answer.symbol, answer.value.shape,
                                               answer.row_name, answer.col_name, caption=answer is problem.answers[0])
    complete = all(t is not None for t in typed.values())
    if st.button("Submit", icon=":material/send:", type="primary", disabled=not complete,
                 key=f"class_submit_{question.id}",
                 help="Fill every cell first. You may submit again with a different answer, a few times."):
        values = {key: t.values for key, t in typed.items()}
        marked = answers.mark(problem, values, {key: t.digits for key, t in typed.items()})
        try:
            stored = db.store().submit(question.id, student.id, seed=problem.seed,
                                       answer={key: v.tolist() for key, v in values.items()}, marks=marked.marks,
                                       correct=marked.correct, misconception=marked.misconception)
        except ClassError as exc:
            st.error(f"Not stored: {exc}.", icon=":material/error:")
            return
        st.success(f"Stored as attempt {stored.attempt}." if stored.new else
                   f"This answer was already stored (attempt {stored.attempt}): it counts once.",
                   icon=":material/task_alt:")
        st.rerun()
