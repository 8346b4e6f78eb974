"""The sections of /teach, each drawn by one function: the key form, and the quiz sheets."""
from __future__ import annotations

import os

import streamlit as st

from backprop.practice import KINDS, LIMITS, MAX_SEED, Size, make_problem
from dashboard import editors, state
from dashboard.classroom import access, handout, lms, sheets

#: The app's public address, for self-study sheets' links to the practice page (never the server's own address,
#: which means nothing once a sheet leaves the laptop).
PUBLIC_URL = "BACKPROP_PUBLIC_URL"


def key_form() -> bool:
    """The instructor key's form, while the page is locked; returns whether it is unlocked."""
    if access.unlocked():
        st.button("Lock this page again", icon=":material/lock:", on_click=access.lock)
        return True
    st.markdown("The instructor's area: live class sessions, and quiz sheets with their answer keys. It opens with "
                f"the instructor key, which the server's administrator sets (`{access.ENV}`, or `{access.SECRET}` in "
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
def quiz_files(kind: str, size: Size, first_seed: int, count: int, base: str | None = None) -> dict[str, str]:
    """Every file of a quiz of ``count`` variants from ``first_seed``: the sheet and the key as Markdown and as
    print-ready HTML, the answers as CSV, and the quiz as Moodle XML; ``base``: self-study links to the practice
    page."""
    variants = [make_problem(kind, size, seed) for seed in range(first_seed, first_seed + count)]
    return {"sheet": sheets.quiz_markdown(variants, base), "key": sheets.key_markdown(variants, base),
            "csv": sheets.answers_csv(variants), "sheet_html": handout.sheet_html(variants, base),
            "key_html": handout.key_html(variants), "moodle": lms.moodle_xml(variants)}


def public_practice_url() -> str | None:
    """The practice page's public address (BACKPROP_PUBLIC_URL + /practice), or None when none is configured."""
    base = os.environ.get(PUBLIC_URL, "").strip().rstrip("/")
    return f"{base}/practice" if base.startswith(("https://", "http://")) else None


def quiz_sheets() -> None:
    """Choose a kind, size, first seed and number of variants; download the sheet, its key, the answers and the
    Moodle quiz."""
    st.header("Quiz sheets")
    st.markdown("Variants of a practice problem, one seed each: a sheet to hand out (a name line, the marking rule, "
                "an empty grid of the right shape for every answer, no link that could show a solution), its answer "
                "key with every worked solution, a table of the answers for a grading spreadsheet, and the same quiz "
                "for Moodle. Students never see these: the practice page draws one problem at a time and hides its "
                "solution until asked.")
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
    public = public_practice_url()
    linked = state.remembered(
        st.toggle, "Self-study sheet: link each variant to its practice page", "quiz_links", False,
        disabled=public is None,
        help="The practice page can reveal the worked solution, so a sheet for a test has no links. "
             + (f"Links go to {public}." if public else
                f"Set {PUBLIC_URL} to the app's public address (https://…) to offer them."))
    files = quiz_files(kind, size, int(first_seed), int(count), public if linked and public else None)
    stem = f"quiz_{kind}_{int(first_seed)}"
    st.markdown("**To hand out and to mark**")
    d1, d2, d3 = st.columns(3)
    d1.download_button("Sheet, ready to print (HTML)", files["sheet_html"], file_name=f"{stem}.html",
                       mime="text/html", icon=":material/print:", width="stretch", key="quiz_sheet_html")
    d2.download_button("Answer key, ready to print (HTML)", files["key_html"], file_name=f"{stem}_key.html",
                       mime="text/html", icon=":material/print:", width="stretch", key="quiz_key_html")
    d3.download_button("Answers and tolerances (CSV)", files["csv"], file_name=f"{stem}_answers.csv",
                       mime="text/csv", icon=":material/download:", width="stretch", key="quiz_csv")
    st.markdown("**To edit, and for the LMS**")
    e1, e2, e3 = st.columns(3)
    e1.download_button("Sheet (Markdown)", files["sheet"], file_name=f"{stem}.md", mime="text/markdown",
                       icon=":material/download:", width="stretch", key="quiz_md")
    e2.download_button("Answer key (Markdown)", files["key"], file_name=f"{stem}_key.md", mime="text/markdown",
                       icon=":material/download:", width="stretch", key="quiz_key")
    e3.download_button("Quiz for Moodle (XML)", files["moodle"], file_name=f"{stem}_moodle.xml",
                       mime="application/xml", icon=":material/school:", width="stretch", key="quiz_moodle")
    st.caption("The HTML files open in any browser and print from it (A4 or Letter); their math needs nothing from "
               "the internet. In Moodle: Question bank → Import → Moodle XML; the variants land in one category, one "
               "question each, and a quiz's *random question* from that category gives each student one. Every "
               "answer cell is a numerical answer with the tolerance this app marks it with.")
