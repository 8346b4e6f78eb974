"""A link to the page's example and its numbers and worked solution as files."""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from dashboard import exports, state
from dashboard.nav import Page
from dashboard.steps import Step


def share_and_export(page: Page, title: str, numbers: dict[str, np.ndarray], steps: Sequence[Step],
                     reveal: bool = True) -> None:
    """A copyable link to this exact example, and the page's numbers and worked solution as files
    (only once the solution is revealed: the files contain the answers)."""
    params = state.url_params()
    base = st.context.url or f"/{page.page_id}"
    link = base + ("?" + urlencode(params, safe=",;") if params else "")
    st.markdown("**Link to this example** (copy it with the button at the right of the box)")
    st.code(link, language=None, wrap_lines=True)
    if not reveal:
        st.caption("The downloads of this page's numbers and worked solution appear once the solution is "
                   "revealed: they contain the answers.")
        return
    stem = page.page_id.replace("-", "_")
    meta = {"page": page.page_id, "mode": st.session_state[state.MODE], "loss": st.session_state[state.LOSS],
            **state.current_inputs().dims}
    c1, c2, c3 = st.columns(3)
    c1.download_button("Numbers (CSV)", exports.numbers_csv(numbers), file_name=f"{stem}.csv", mime="text/csv",
                       icon=":material/download:", key="export_csv", width="stretch")
    c2.download_button("Numbers (JSON)", exports.numbers_json(numbers, **meta), file_name=f"{stem}.json",
                       mime="application/json", icon=":material/download:", key="export_json", width="stretch")
    c3.download_button("Worked solution (Markdown)", exports.steps_markdown(title, steps), file_name=f"{stem}.md",
                       mime="text/markdown", icon=":material/download:", key="export_md", width="stretch")
