"""Practice: fresh problems of the assignment's kind from a seed, graded with diagnosis, hints a step at a time."""
from functools import partial

import streamlit as st

from backprop.practice import KINDS, LIMITS, MAX_SEED, check, make_problem
from dashboard import display, editors, nav, solution, state, steps
from dashboard.practice import problems, session

page = nav.page_setup("practice", "Practice", example_page=False)
st.sidebar.caption("Here solutions are always hidden until you ask: *Show the next step* reveals one step, and "
                   "a hint offers the step it concerns.")
link_warnings = session.arrive()
if page.presenter:  # the problem one step at a time on a projector, and nothing else of the page
    problem = make_problem(*session.current())
    st.title(f"Practice · {KINDS[problem.kind]} · seed {problem.seed}")
    for text in link_warnings:
        st.warning(text, icon=":material/link_off:")
    solution.present(page, solution.worked_steps(page, problems.worked_steps, problem), session.presented(problem),
                     then=("Next: a new problem", session.new_seed))
    session.sync_url(problem)
    st.stop()
st.title("Practice")
st.markdown(
    "Problems of the assignment's kind on numbers you have not seen, as many as you like: work one on paper, "
    "type your answers, and each cell is marked, with the likely mistake named. The same link always gives the "
    "same numbers, so a problem can be handed out."
)
for text in link_warnings:
    st.warning(text, icon=":material/link_off:")

controls = st.columns([3, 3, 2, 2], vertical_alignment="bottom")
state.persistent(controls[0].selectbox, "Kind of problem", session.KIND, options=list(KINDS), format_func=KINDS.get)
state.persistent(controls[1].radio, "Size", session.SIZED, options=[False, True], horizontal=True,
                 format_func=lambda custom: "Choose N, D, H, C" if custom else "The assignment's: 1 sample, 2-2-2")
controls[2].button("New problem", icon=":material/casino:", type="primary", on_click=session.new_seed,
                   width="stretch", help="New numbers: a seed drawn at random.")
editors.number_field("Seed", session.SEED, minimum=0, maximum=MAX_SEED, integer=True, container=controls[3],
                     help="The same kind, size and seed always give the same problem.")
if session.sized():
    for col, dim in zip(st.columns(4), LIMITS, strict=True):
        state.persistent(col.selectbox, dim, f"practice_{dim}", options=range(1, LIMITS[dim] + 1),
                         help=editors.SIZE_HELP[dim])

problem = make_problem(*session.current())
st.caption(f"{problem.size.text} · seed {problem.seed} · the link to this problem, for anyone: "
           f"…/practice?{problem.link}")

st.header("The problem")
st.markdown(problems.TASKS[problem.kind])
display.latex_row(problems.givens_parts(problem))

worked = steps.for_screens(problems.worked_steps, problem)
scope = session.scope(problem)
shown = session.all_shown(problem, worked)


def count_help(steps: int) -> None:
    session.helped(problem, steps)


st.header("Your answers")
results = []
for answer in problem.answers:
    st.subheader(answer.symbol)
    results.append(editors.answer_grid(
        f"{scope}_{answer.key}", answer.symbol, answer.value.shape, answer.row_name, answer.col_name, reveal=shown,
        check=lambda values, digits, key=answer.key: check(problem, key, values, digits), quantity=answer.key,
        hint_link=partial(solution.step_link, scope, worked, hidden=not shown, on_show=count_help),
        unexplained_hint="the worked solution below writes out each sum"))
session.record_attempt(problem, results)

score = session.score()
s1, s2, s3, s4 = st.columns(4)
s1.metric("Problems tried", score.tried, help="A problem counts once every one of its answers is filled in.")
s2.metric("Right first time, unaided", score.right_first_time,
          help="Every answer right at its first complete attempt, with no step of the worked solution shown first.")
s3.metric("Streak", score.streak, help="Problems right first time and unaided, in a row. A problem solved with help "
          "leaves it as it was.")
s4.metric("Solved with help", score.with_help, help=f"Problems tried after a step of their worked solution was "
          f"shown. Steps shown so far: {score.steps_shown}.")
st.caption(f"Your score is kept in this page's address (…&score={score.to_link(session.problem_id(problem))['score']}"
           "): a reload keeps it; a new tab or a link without it starts afresh. An answer typed after a step of its "
           "solution was shown is marked, but counts as solved with help.")

st.header("Worked solution")
solution.stepwise(scope, worked, on_show=count_help)

session.sync_url(problem)  # last: the address holds this problem and the score as this run left it
