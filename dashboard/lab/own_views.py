"""The lab's doors in and out, drawn with Streamlit: a learner's own data (upload or paste a CSV) and starting weights
in; the confusion matrix of a classifier; the network (JSON), the scripts that run it and the notebook that retrains
it out. Session state lives in lab.session; what is read, said and written comes from lab.data, lab.confusion,
codeout and backprop."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import streamlit as st

import backprop as bp
from backprop.datasets import MAX_CLASSES
from dashboard import exports
from dashboard.codeout import notebooks, scripts
from dashboard.lab import controls, data
from dashboard.lab import session as ls
from dashboard.lab.data import matrix_param

# --- data in --------------------------------------------------------------------------------------------


def dataset_options(config: bp.TrainConfig) -> tuple[list[str], Callable[[str], str]]:
    """The Data set box's choices (the built-in sets, the learner's table once there is one, the example being
    trained) and how each is labelled."""
    table = st.session_state.get(ls.TABLE)
    options = list(controls.BUILT_IN)
    if table is not None or config.dataset == "csv":
        options.append("csv")
    if config.dataset == "example":
        options.append("example")

    def label(name: str) -> str:
        if name == "csv":
            own = config.table if config.dataset == "csv" else table
            return f"Your data: {own.name}" if own is not None else controls.DATASET_LABELS[name]
        if name == "example":
            return f"Example from {config.table.name.removeprefix('the example of ')}"
        return controls.DATASET_LABELS[name]

    return options, label


def data_box(config: bp.TrainConfig) -> None:
    """Upload or paste a CSV; a file that cannot be used is listed with every problem placed, and the run on screen
    stays as it was."""
    problems = st.session_state.get(ls.DATA_PROBLEMS) or []
    with st.expander("Your own data (CSV)", expanded=bool(problems) or config.dataset == "csv",
                     icon=":material/upload_file:"):
        st.caption(f"Three columns: two inputs, then a label (whole numbers, 2 to {MAX_CLASSES} "
                   f"classes) or a target (numbers with a point: regression). A header row is optional. At most "
                   f"{data.MAX_ROWS:,} rows ({data.MAX_BYTES // 1000} kB).")
        st.file_uploader("Upload a CSV file", type=["csv", "txt"], key=ls.UPLOAD, on_change=ls.uploaded,
                         max_upload_size=5)
        st.text_area("…or paste it here", key=ls.PASTE, height=110, placeholder="x1,x2,label\n0.5,1.2,0\n1.1,-0.3,1")
        st.button("Train on the pasted data", key="lab_paste_use", on_click=ls.pasted, icon=":material/table:")
        for text in problems:
            st.error(data.markdown_safe(text), icon=":material/error:")  # it may quote the file's own text
        if problems:
            st.caption("The run on screen is unchanged: fix the file and upload it again.")


def own_data_caption(config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """What the lab found in the learner's table, or what the example's data is."""
    if config.dataset == "csv":
        st.caption(data.found_sentence(config.table))
    elif config.dataset == "example":
        st.caption(f"{run.data.n_samples} sample{'s' if run.data.n_samples > 1 else ''} of {config.table.name} "
                   f"with their targets y, trained on as they are (nothing held out).")


def weights_box(config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """Starting weights typed or pasted for every layer (each read by the one parser), shown with the run's own."""
    problems = st.session_state.get(ls.WEIGHT_PROBLEMS) or []
    with st.expander("Start from your own weights", expanded=bool(problems), icon=":material/edit_note:"):
        st.caption("One box per matrix, rows on lines or split by ';', entries by spaces or commas (numpy's printed "
                   "arrays work too). They start with this run's starting weights.")
        keys = {}  # the callback reads the boxes when clicked: arguments bound now would be this run's texts
        origin = config.start.digest[:8] if config.start else config.seed  # new weights, fresh boxes
        for l, (W, b) in enumerate(zip(run.initial.Ws, run.initial.bs, strict=True), start=1):
            for name, M in ((f"W{l}", W), (f"b{l}", b)):
                key = keys[name] = f"lab_start_{name}_{run.initial.sizes}_{origin}"
                st.session_state.setdefault(key, matrix_param(M).replace(";", "\n").replace(",", " "))
                st.text_area(f"{name} ({' × '.join(str(s) for s in np.atleast_2d(M).shape)})", key=key,
                             height=68 if M.ndim == 1 else min(200, 34 + 24 * M.shape[0]))
        left, right = st.columns(2)
        left.button("Start from these weights", key="lab_weights_use", on_click=ls.use_weights, args=(keys,),
                    icon=":material/play_arrow:")
        if config.start is not None:
            right.button("Back to seeded weights", key="lab_weights_seeded", on_click=ls.seeded_weights)
        for text in problems:
            st.error(data.markdown_safe(text), icon=":material/error:")


# --- metrics ---------------------------------------------------------------------------------------------


def confusion_view(run: bp.runs.Run, epoch: int) -> None:
    """The confusion matrix at ``epoch`` for the training and the test samples, and each class's accuracy."""
    view = ls.per_class_at(run.config, epoch, run)
    if view is None:
        return
    st.markdown(f"**Per class at epoch {epoch}**: rows are the true class, columns the predicted one; the diagonal "
                "holds the samples classified right.")
    for col, which in zip(st.columns(len(view.figures)), view.figures, strict=True):
        with col:
            st.plotly_chart(view.figures[which], key=f"lab_confusion_{which}", config={"displayModeBar": False},
                            width="stretch")
            st.dataframe(view.tables[which], hide_index=True, width="stretch")
    st.table(view.accuracy, hide_index=True)


# --- code out ----------------------------------------------------------------------------------------------


def code_downloads(run: bp.runs.Run, epoch: int) -> None:
    """The network at ``epoch`` as JSON, the scripts that run it on a CSV, and the notebook that retrains the run."""
    st.markdown(f"**Take the network away** (at epoch {epoch}): its weights as JSON, a numpy script and a PyTorch "
                "script that load them and print predictions and accuracy on a CSV "
                "(`python predict_numpy.py network.json data.csv`), and a notebook that retrains this run in numpy. "
                "How to run them: docs/code.md.")
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button("Network (JSON)", lambda: exports.run_network_json(run, epoch), file_name="network.json",
                       mime="application/json", icon=":material/download:", width="stretch", key="lab_network_json")
    c2.download_button("numpy script", scripts.NUMPY_SCRIPT, file_name="predict_numpy.py", mime="text/x-python",
                       icon=":material/download:", width="stretch", key="lab_numpy_script")
    c3.download_button("PyTorch script", scripts.TORCH_SCRIPT, file_name="predict_torch.py", mime="text/x-python",
                       icon=":material/download:", width="stretch", key="lab_torch_script")
    c4.download_button("Notebook (retrain)", lambda: notebooks.lab_notebook(run), file_name="training_run.ipynb",
                       mime="application/x-ipynb+json", icon=":material/download:", width="stretch",
                       key="lab_notebook")
    if run.config.table is not None and run.config.dataset == "csv":
        d1, d2 = st.columns(2)
        d1.download_button("Training rows (CSV)", lambda: data.rows_csv(run, "training"), file_name="training_rows.csv",
                           mime="text/csv", icon=":material/download:", width="stretch", key="lab_rows_train")
        if run.test is not None:
            d2.download_button("Test rows (CSV)", lambda: data.rows_csv(run, "test"), file_name="test_rows.csv",
                               mime="text/csv", icon=":material/download:", width="stretch", key="lab_rows_test")
