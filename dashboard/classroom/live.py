"""/teach's class session: start or resume one, show how to join it, ask questions, and watch the answers arrive
(refreshed every two seconds without reloading the page), then export or delete them."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from backprop.practice import ASSIGNMENT_SIZE, KINDS, LIMITS, MAX_SEED, Size
from dashboard import editors, figures, state
from dashboard.classroom import access, answers, db
from dashboard.classroom.store import ClassError, ClassSession, Question

SESSION = "teach_class_session"
#: The question a presenter step was asked as (its id), and why asking failed.
STEP_ASKED, STEP_ERROR = "presenter_step_question", "presenter_step_error"
#: How often the live view asks the database for new answers (seconds).
REFRESH = 2.0


def _current() -> ClassSession | None:
    session_id = st.session_state.get(SESSION)
    return None if session_id is None else db.store().session(session_id)


def _start() -> None:
    st.session_state[SESSION] = db.store().create_session().id


def _resume(session_id: int) -> None:
    st.session_state[SESSION] = session_id


def choose_session() -> ClassSession | None:
    """Start a class session, or go back to one this server knows; returns the one in use."""
    current = _current()
    if current is not None:
        return current
    st.header("Class session")
    st.markdown("Start a class session: students join with a short code or a QR code, you ask a question, and their "
                "answers are marked as they arrive, each misconception named and counted.")
    st.button("Start a class session", icon=":material/groups:", type="primary", on_click=_start)
    open_sessions = [s for s in db.store().sessions() if s.open]
    if open_sessions:
        with st.expander(f"Go back to a session in progress ({len(open_sessions)})"):
            for s in open_sessions[:20]:
                st.button(f"Session {s.code}, started {s.created_at:%d %b %H:%M}", key=f"resume_{s.id}",
                          on_click=_resume, args=(s.id,))
    return None


def join_panel(session: ClassSession) -> None:
    """The join code, the link as text and a QR code large enough to scan from the back of a room."""
    st.header(f"Class session {session.code}")
    link = db.join_link(session.code)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        st.markdown("Students join at")
        st.code(link, language=None)
        st.markdown("or on the class page with the code")
        st.markdown(f"# {' '.join(session.code)}")
        st.caption("The code has no look-alike characters (no 0/O, 1/I/L, 2/Z, 5/S or 8/B). "
                   f"Set {db.PUBLIC_URL_ENV} to the address students use when the server sits behind another name.")
    right.image(db.qr_png(link), caption=f"QR code of {link}", width=340)
    c1, c2 = st.columns(2)
    c1.button("End this session", icon=":material/stop_circle:", on_click=db.store().end_session,
              args=(session.id,), help="Nobody can join or answer any more; the answers stay until deleted.")
    c2.button("Leave it (it keeps running)", icon=":material/logout:",
              on_click=lambda: st.session_state.pop(SESSION, None))


def ask_panel(session: ClassSession) -> None:
    """Choose a practice problem (kind, seed, size), a variant per student or not, and when to mark; ask it."""
    if not session.open:
        st.info("This session has ended: its answers are below, to export or delete.", icon=":material/stop_circle:")
        return
    st.subheader("Ask a question")
    c1, c2, c3 = st.columns([3, 2, 3])
    kind = state.remembered(c1.selectbox, "Kind of problem", "teach_kind", answers.DEFAULT_KIND,
                            options=list(KINDS), format_func=KINDS.get)
    seed = editors.number_field("Seed", "teach_seed", default=answers.DEFAULT_SEED, minimum=0, maximum=MAX_SEED,
                                integer=True, container=c2, help="The same kind, size and seed: the same numbers.")
    sized = state.remembered(c3.radio, "Size", "teach_sized", False, options=[False, True], horizontal=True,
                             format_func=lambda custom: "Choose N, D, H, C" if custom else "The assignment's 2-2-2")
    size = ASSIGNMENT_SIZE
    if sized:
        size = Size(*(state.remembered(col.selectbox, dim, f"teach_{dim}", getattr(ASSIGNMENT_SIZE, dim),
                                       options=range(1, LIMITS[dim] + 1), help=editors.SIZE_HELP[dim])
                      for col, dim in zip(st.columns(4), LIMITS, strict=True)))
    o1, o2 = st.columns(2)
    per_student = state.remembered(o1.toggle, "A variant per student", "teach_per_student", False,
                                   help="Every student gets their own numbers (the same kind and size); you see which "
                                        "variant each got.")
    when = {"now": "at once", "close": "when I close the question"}
    marking = state.remembered(o2.radio, "Mark the answers", "teach_marking", "now", options=list(when),
                               horizontal=True, format_func=when.get)

    def ask() -> None:
        try:
            db.store().ask(session.id, kind, int(seed), answers.size_text(size), per_student=per_student,
                           marking=marking)
        except ClassError as exc:
            st.session_state["teach_ask_error"] = str(exc)

    st.button("Ask this question", icon=":material/campaign:", type="primary", on_click=ask,
              help="Every joined student sees it within two seconds; an open question is closed first.")
    if error := st.session_state.pop("teach_ask_error", None):
        st.error(error, icon=":material/error:")


def question_controls(question: Question | None) -> None:
    if question is None:
        return
    status = {"open": "open for answers", "closed": "closed", "revealed": "closed, answer shown"}[question.status]
    if question.kind == answers.STEP:
        asked = f"a step of /{answers.step_problem(question.payload).page}"
    else:
        asked = f"{answers.size_of(question.size).text} · seed {question.seed}" + (
            " (a variant per student)" if question.per_student else "")
    st.markdown(f"**Question {question.number}** · {answers.title(question)} · {asked} · {status}")
    c1, c2 = st.columns(2)
    c1.button("Close question", icon=":material/block:", disabled=question.status != "open",
              on_click=db.store().set_status, args=(question.id, "closed"), help="No more answers are taken.")
    c2.button("Reveal the answer", icon=":material/visibility:", disabled=question.status == "revealed",
              on_click=db.store().set_status, args=(question.id, "revealed"),
              help="Closes the question and shows every student the worked solution.")


@st.fragment(run_every=REFRESH)
def live_view(session_id: int) -> None:
    """What the class has answered, read again from the database every REFRESH seconds."""
    store = db.store()
    session = store.session(session_id)
    if session is None:
        st.warning("This session's data have been deleted.", icon=":material/delete:")
        return
    question = store.current_question(session_id)
    students = store.students(session_id)
    question_controls(question)
    if question is None:
        st.metric("Students joined", len(students))
        st.caption("Ask a question to see the answers arrive.")
        return
    mine = store.submissions(question_id=question.id)
    n = answers.counts(len(students), mine)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("Joined", n.joined)
    m2.metric("Answered", n.answered)
    m3.metric("Right", n.right, help="Students whose latest answer is right in every cell.")
    m4.metric("Right at the first attempt", n.right_first)
    ranked = answers.misconceptions(mine)
    st.subheader("Misconceptions, most frequent first")
    if ranked:
        st.plotly_chart(misconception_figure(ranked), key="teach_misconceptions", config={"displayModeBar": False})
        st.dataframe(pd.DataFrame(ranked, columns=["misconception", "students"]), hide_index=True)
    else:
        st.caption("None named yet.")
    spread = answers.cell_spread(question, mine)
    if spread:
        st.subheader("What was typed in each cell")
        st.plotly_chart(spread_figure(spread), key="teach_spread", config={"displayModeBar": False})
        st.dataframe(pd.DataFrame([{k: v for k, v in row.items() if k not in ("errors", "answer")} for row in spread]),
                     hide_index=True)
    if question.per_student:
        st.subheader("Variants")
        st.dataframe(pd.DataFrame(answers.variants(question, mine, students)), hide_index=True)
    st.subheader("Every question so far")
    st.dataframe(pd.DataFrame(answers.first_attempt_shares(store.questions(session_id),
                                                           store.submissions(session_id=session_id))),
                 hide_index=True)


def misconception_figure(ranked: list[tuple[str, int]]) -> go.Figure:
    labels, counts = zip(*reversed(ranked), strict=True)
    return go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker_color=figures.SERIES[1], text=counts,
                            textposition="auto", textfont={"size": 20}),
                     layout=figures.base_layout("Students whose answer shows it", 120 + 48 * len(ranked),
                                                xaxis={"title": {"text": "students"}, "tickfont": {"size": 16}},
                                                yaxis={"tickfont": {"size": 18}, "automargin": True}))


def spread_figure(spread: list[dict]) -> go.Figure:
    """Each cell's typed values as their signed relative error from the right value (0: right), clipped to ±100 %."""
    traces = [go.Box(y=[max(-1.0, min(1.0, e)) * 100 for e in row["errors"]], name=row["cell"], boxpoints="all",
                     jitter=0.4, marker_color=figures.SERIES[0], line_color=figures.SERIES[0], showlegend=False)
              for row in spread]
    return go.Figure(traces, layout=figures.base_layout(
        "How far each typed value is from the right one (%)", 380,
        yaxis={"title": {"text": "relative error, % (clipped at ±100)"}, "zeroline": True, "zerolinewidth": 3,
               "tickfont": {"size": 16}}, xaxis={"tickfont": {"size": 16}}))


def exports(session: ClassSession) -> None:
    """The session's submissions and scores as CSV, and deleting everything it stored."""
    store = db.store()
    st.subheader("Export")

    # Read when the button is clicked, not when the page last ran: the live view above refreshes by itself, so a
    # file made at the page's last full run would miss every answer that arrived since (seen in the browser test).
    def submissions_file() -> str:
        return answers.submissions_csv(session.code, store.questions(session.id), store.students(session.id),
                                       store.submissions(session_id=session.id))

    def scores_file() -> str:
        return answers.scores_csv(store.questions(session.id), store.students(session.id),
                                  store.submissions(session_id=session.id))

    c1, c2 = st.columns(2)
    c1.download_button("All submissions (CSV)", submissions_file, file_name=f"class_{session.code}_submissions.csv",
                       mime="text/csv", icon=":material/download:", width="stretch")
    c2.download_button("Scores (CSV)", scores_file, file_name=f"class_{session.code}_scores.csv", mime="text/csv",
                       icon=":material/download:", width="stretch")
    st.caption("Stored for this session: each student's display name (optional) and resume token, each question "
               "asked, and every submitted answer with its marks and time. It stays in the database until you "
               "delete it here.")
    confirm = st.checkbox("I have exported what I need: delete this session", key=f"teach_confirm_{session.id}")

    def delete() -> None:
        store.delete_session(session.id)
        st.session_state.pop(SESSION, None)

    st.button("Delete this session's data", icon=":material/delete_forever:", disabled=not confirm, on_click=delete)


# --- a presenter step, asked of the class --------------------------------------------------------------------------


def offer_step(page_id: str, step, item) -> None:
    """Under a presenter step whose result the class is guessing: ask it of the class session this browser runs
    (opened on /teach with the instructor key), so that every student types the matrix before it is revealed. Drawn
    for nobody else. ``item``: the page's dashboard.solution.Shown of the matrix the step computes."""
    if not access.unlocked():
        return
    session = _current()
    if session is None or not session.open:
        return

    def ask() -> None:
        try:
            payload = answers.step_payload(page_id, step, item.M, item.symbol, item.row_name, item.col_name)
            st.session_state[STEP_ASKED] = db.store().ask(session.id, answers.STEP, 0, "", payload=payload).id
        except (ClassError, ValueError) as exc:
            st.session_state[STEP_ERROR] = str(exc)

    st.button(f"Ask the class (session {session.code})", icon=":material/campaign:", on_click=ask,
              key="presenter_ask_step", help=f"Every student in session {session.code} is asked for {item.symbol} "
                                             "as this step computes it, marked by the one rule; the counts are on "
                                             "/teach.")
    if error := st.session_state.pop(STEP_ERROR, None):
        st.error(f"Not asked: {error}.", icon=":material/error:")
    asked = st.session_state.get(STEP_ASKED)
    if asked is not None:
        step_counts(session.id, asked)


@st.fragment(run_every=REFRESH)
def step_counts(session_id: int, question_id: int) -> None:
    """How many students have answered the asked step, and how many are right (refreshed every REFRESH s)."""
    store = db.store()
    question = store.question(question_id)
    if question is None or question.session_id != session_id:
        return
    n = answers.counts(len(store.students(session_id)), store.submissions(question_id=question_id))
    st.caption(f"Question {question.number} ({answers.title(question)}): {n.answered} of {n.joined} answered, "
               f"{n.right} right.")
