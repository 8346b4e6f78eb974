"""A link to the page's example, its numbers, worked solution and notebook as files, and the example's network
trained in the lab."""
from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from backprop.assignment import Solution, Update
from dashboard import exports, nav, state
from dashboard.codeout.notebooks import PAGE_STEPS, page_notebook
from dashboard.lab import session as lab_session
from dashboard.nav import Page
from dashboard.steps import Step


def train_in_lab(page: Page) -> None:
    """A button that opens the training lab on this example's own network (its X, y, W1, b1, W2, b2, loss and η),
    so that the instructor's prepared example, or the student's, can be trained; the lab draws over a plane of two
    inputs, so an example with another D is not offered (and the button says why)."""
    inputs = state.current_inputs()
    D = inputs.X.shape[1]
    note = ("The lab trains with the gradients the network computes from y (this page's *consistent* numbers), so "
            "its first update is this example's Problem 5 step in the consistent mode.")
    if st.button("Train this network in the lab", icon=":material/model_training:", key="train_in_lab",
                 disabled=D != 2, help=note if D == 2 else f"The lab draws every unit over a plane of two inputs; "
                 f"this example has D = {D} inputs. Set D to 2 to train it there."):
        lab_session.use_example(inputs, st.session_state[state.LR], st.session_state[state.LOSS], page.page_id)
        st.switch_page(nav.page_path("training"))


def share_and_export(page: Page, title: str, numbers: dict[str, np.ndarray], steps: Sequence[Step],
                     reveal: bool = True, sol: Solution | None = None, update: Update | None = None) -> None:
    """A copyable link to this exact example, a button that trains its network in the lab, and the page's numbers,
    worked solution and notebook (``sol``, and Problem 5's ``update``) as files (only once the solution is
    revealed: the files contain the answers)."""
    params = state.url_params()
    base = st.context.url or f"/{page.page_id}"
    link = base + ("?" + urlencode(params, safe=",;") if params else "")
    st.markdown("**Link to this example** (copy it with the button at the right of the box)")
    st.code(link, language=None, wrap_lines=True)
    train_in_lab(page)
    if not reveal:
        st.caption("The downloads of this page's numbers and worked solution appear once the solution is "
                   "revealed: they contain the answers.")
        return
    stem = page.page_id.replace("-", "_")
    meta = {"page": page.page_id, "mode": st.session_state[state.MODE], "loss": st.session_state[state.LOSS],
            **state.current_inputs().dims}
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("Numbers (CSV)", exports.numbers_csv(numbers), file_name=f"{stem}.csv", mime="text/csv",
                       icon=":material/download:", key="export_csv", width="stretch")
    c2.download_button("Numbers (JSON)", exports.numbers_json(numbers, **meta), file_name=f"{stem}.json",
                       mime="application/json", icon=":material/download:", key="export_json", width="stretch")
    c3.download_button("Worked solution (Markdown)", exports.steps_markdown(title, steps), file_name=f"{stem}.md",
                       mime="text/markdown", icon=":material/download:", key="export_md", width="stretch")
    if sol is not None and page.page_id in PAGE_STEPS:
        c4.download_button("Notebook (Jupyter)", page_notebook(page.page_id, sol, update), file_name=f"{stem}.ipynb",
                           mime="application/x-ipynb+json", icon=":material/download:", key="export_ipynb",
                           width="stretch", help="Every step in numpy, with a torch.autograd check: runs in Jupyter "
                                                 "or Colab (docs/code.md).")
