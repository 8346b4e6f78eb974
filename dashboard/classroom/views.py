"""The sections of /teach, each drawn by one function: the key form, and the quiz sheets."""
from __future__ import annotations

import streamlit as st

from backprop.practice import KINDS, LIMITS, MAX_SEED, Size, make_problem
from dashboard import editors, state
from dashboard.classroom import access, sheets


def key_form() -> bool:
    """The instructor key's form, while the page is locked; returns whether it is unlocked."""
    if access.unlocked():
        st.button("Lock this page again", icon=":material/lock:", on_click=access.lock)
        return True
    st.markdown("The instructor's area: quiz sheets with their answer keys. It opens with the instructor key, which "
                f"the server's administrator sets (`{access.ENV}`, or `{access.SECRET}` in "
                "`.streamlit/secrets.toml`); a server started without one prints the key it made in its log.")
    wait = access.wait_seconds()
    with st.form("teach_key", enter_to_submit=True):
        typed = st.text_input("Instructor key", type="password", autocomplete="off")
        submitted = st.form_submit_button("Unlock", icon=":material/lock_open:", type="primary")
    if submitted:
        if wait > 0:
            st.error(f"Too many wrong keys: wait {wait:.0f} s before trying again.", icon=":material/timer:")
        elif access.try_key(typed):
            st.rerun()
        else:
            st.error("That is not the instructor key. Each wrong key makes the next try wait longer.",
                     icon=":material/lock:")
    return False


@st.cache_data(max_entries=64, ttl=3600, show_spinner="Writing the quiz sheets…")
def quiz_files(kind: str, size: Size, first_seed: int, count: int) -> tuple[str, str, str]:
    """(problems as Markdown, answer key as Markdown, answers as CSV) for ``count`` variants from ``first_seed``."""
    variants = [make_problem(kind, size, seed) for seed in range(first_seed, first_seed + count)]
    return sheets.quiz_markdown(variants), sheets.key_markdown(variants), sheets.answers_csv(variants)


def quiz_sheets() -> None:
    """Choose a kind, size, first seed and number of variants; download the sheet, its key and the answers."""
    st.header("Quiz sheets")
    st.markdown("Variants of a practice problem, one seed each, with an answer key holding every worked solution "
                "and a table of the answers for a grading spreadsheet. Students never see these: the practice page "
                "draws one problem at a time and hides its solution until asked.")
    c1, c2 = st.columns(2)
    kind = state.remembered(c1.selectbox, "Kind of problem", "quiz_kind", "forward", options=list(KINDS),
                            format_func=KINDS.get)
    sized = state.remembered(c2.radio, "Size", "quiz_sized", False, options=[False, True], horizontal=True,
                             format_func=lambda custom: "Choose N, D, H, C" if custom
                             else "The assignment's: 1 sample, 2-2-2")
    size = Size(1, 2, 2, 2)
    if sized:
        size = Size(*(state.remembered(col.selectbox, dim, f"quiz_{dim}", 1 if dim == "N" else 2,
                                       options=range(1, LIMITS[dim] + 1), help=editors.SIZE_HELP[dim])
                      for col, dim in zip(st.columns(4), LIMITS, strict=True)))
    q1, q2 = st.columns(2)
    count = state.remembered(q1.slider, "Variants", "quiz_count", 30, min_value=1, max_value=60)
    first_seed = editors.number_field("First seed", "quiz_seed", default=1, minimum=0, maximum=MAX_SEED - 60,
                                      integer=True, container=q2, help="Variant k uses seed first + k − 1.")
    sheet, key, table = quiz_files(kind, size, int(first_seed), int(count))
    stem = f"quiz_{kind}_{int(first_seed)}"
    d1, d2, d3 = st.columns(3)
    d1.download_button("Problems (Markdown)", sheet, file_name=f"{stem}.md", mime="text/markdown",
                       icon=":material/download:", width="stretch", key="quiz_md")
    d2.download_button("Answer key (Markdown)", key, file_name=f"{stem}_key.md", mime="text/markdown",
                       icon=":material/download:", width="stretch", key="quiz_key")
    d3.download_button("Answers (CSV)", table, file_name=f"{stem}_answers.csv", mime="text/csv",
                       icon=":material/download:", width="stretch", key="quiz_csv")
