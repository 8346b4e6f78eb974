"""Practice: fresh problems of the assignment's kind from a seed, graded with diagnosis; quiz sheets."""
import streamlit as st

from backprop.practice import KINDS, LIMITS, MAX_SEED, check, make_problem
from dashboard import display, editors, nav, solution, state
from dashboard.practice import problems, session

page = nav.page_setup("practice", "Practice", example_page=False)
st.title("Practice")
st.markdown(
    "Problems of the assignment's kind on numbers you have not seen, as many as you like: work one on paper, "
    "type your answers, and each cell is marked, with the likely mistake named. The same link always gives the "
    "same numbers, so a problem can be handed out."
)
for text in session.arrive():
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
session.sync_url(problem)
st.caption(f"{problem.size.text} · seed {problem.seed} · the address bar now gives this problem to anyone who opens "
           f"it (it ends in ?{problem.link})")

st.header("The problem")
st.markdown(problems.TASKS[problem.kind])
display.latex_row(problems.givens_parts(problem))

st.header("Your answers")
shown = session.revealed(problem)
results = []
for answer in problem.answers:
    st.subheader(answer.symbol)
    results.append(editors.answer_grid(
        f"practice_{problem.kind}_{problem.seed}_{problem.size.N}{problem.size.D}{problem.size.H}{problem.size.C}_"
        f"{answer.key}", answer.symbol, answer.value.shape, answer.row_name, answer.col_name, reveal=shown,
        check=lambda values, digits, key=answer.key: check(problem, key, values, digits),
        unexplained_hint="the worked solution below writes out each sum"))
session.record_attempt(problem, results)

score = session.score()
s1, s2, s3 = st.columns(3)
s1.metric("Problems tried", score.tried, help="A problem counts once every one of its answers is filled in.")
s2.metric("Right first time", score.right_first_time, help="Every answer right at its first complete attempt.")
s3.metric("Streak", score.streak, help="Problems right first time, in a row.")

st.header("Worked solution")
if shown:
    solution.show_steps(problems.worked_steps(problem))
else:
    st.button("Reveal the worked solution", icon=":material/visibility:", on_click=session.reveal, args=(problem,),
              help="Try the problem first: your marks then show by how much each cell is off.")

st.header("Quiz sheets for instructors")
st.markdown("Variants of this kind and size, one seed each, with an answer key holding every worked solution and a "
            "table of the answers for a grading spreadsheet.")
q1, q2 = st.columns(2)
count = state.remembered(q1.slider, "Variants", "quiz_count", 30, min_value=1, max_value=60)
first_seed = editors.number_field("First seed", "quiz_seed", default=1, minimum=0, maximum=MAX_SEED - 60, integer=True,
                                  container=q2, help="Variant k uses seed first + k − 1.")
base = (st.context.url or "").split("?")[0] or "/practice"
sheet, key, table = session.quiz_files(problem.kind, problem.size, int(first_seed), int(count), base)
stem = f"practice_{problem.kind}_{int(first_seed)}"
d1, d2, d3 = st.columns(3)
d1.download_button("Problems (Markdown)", sheet, file_name=f"{stem}.md", mime="text/markdown",
                   icon=":material/download:", width="stretch", key="quiz_md")
d2.download_button("Answer key (Markdown)", key, file_name=f"{stem}_key.md", mime="text/markdown",
                   icon=":material/download:", width="stretch", key="quiz_key")
d3.download_button("Answers (CSV)", table, file_name=f"{stem}_answers.csv", mime="text/csv",
                   icon=":material/download:", width="stretch", key="quiz_csv")
