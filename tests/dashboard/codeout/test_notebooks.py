"""Every notebook the app exports runs with nbclient in an ipykernel (both from requirements-dev), one kernel for
all of them, and prints the page's numbers: Z1, A1, ∂L/∂W2, δ1, ∂L/∂W1, the updated weights; the lab's notebook
retrains its run to the lab's losses."""
from __future__ import annotations

import ast
import re

import nbformat
import numpy as np
import pytest

from backprop.assignment import DEFAULT_INPUTS, gradient_step, solve
from backprop.runs import TrainConfig, train_config
from dashboard.codeout import notebooks

nbclient = pytest.importorskip("nbclient", reason="nbclient and ipykernel come with requirements-dev.txt")
pytest.importorskip("ipykernel", reason="nbclient and ipykernel come with requirements-dev.txt")


@pytest.fixture(scope="module")
def kernel():
    """One kernel for every notebook here: starting one costs seconds."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    yield km
    km.shutdown_kernel(now=True)


def execute(kernel, text: str) -> tuple[dict[str, object], str]:
    """Run the notebook in the shared kernel; return what its show() calls printed, by name, and all its text."""
    nb = nbformat.reads(text, as_version=4)
    nbclient.NotebookClient(nb, km=kernel, timeout=300).execute()
    shown, printed = {}, []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                pytest.fail(f"cell failed: {out['ename']}: {out['evalue']}")
            text = out.get("text", "") + ("[image/png]\n" if "image/png" in out.get("data", {}) else "")
            printed.append(text)
            for name, value in re.findall(r"^(\w[\w ]*) = (.+)$", text, flags=re.M):
                shown[name] = ast.literal_eval(value)
    return shown, "".join(printed)


def agrees(shown, page, name):
    np.testing.assert_allclose(np.asarray(shown[name], dtype=float), np.asarray(page, dtype=float).reshape(
        np.shape(shown[name])), rtol=1e-12, atol=1e-15, err_msg=name)


CASES = [("forward-pass", "assignment", "mse", DEFAULT_INPUTS),
         ("output-gradient", "consistent", "bce", DEFAULT_INPUTS),
         ("hidden-gradient", "assignment", "mse", DEFAULT_INPUTS.resized(3, 2, 3, 2)),
         ("weight-update", "consistent", "mse", DEFAULT_INPUTS),
         ("weight-update", "assignment", "bce", DEFAULT_INPUTS.resized(2, 3, 2, 2))]


@pytest.mark.parametrize("page, mode, loss, inputs", CASES)
def test_a_problem_pages_notebook_prints_the_pages_numbers(kernel, page, mode, loss, inputs):
    sol = solve(inputs, mode, loss)
    update = gradient_step(sol, 0.7) if page == "weight-update" else None
    shown, printed = execute(kernel, notebooks.page_notebook(page, sol, update))
    agrees(shown, sol.Z1, "Z1")
    agrees(shown, sol.A1_computed, "A1")
    if page != "forward-pass":
        agrees(shown, sol.delta2, "delta2")
        agrees(shown, sol.dW2, "dW2")
        agrees(shown, sol.db2, "db2")
    if page in ("hidden-gradient", "weight-update"):
        agrees(shown, sol.delta1, "delta1")
        agrees(shown, sol.dW1, "dW1")
        agrees(shown, sol.db1, "db1")
    if update is not None:
        for name in ("W1", "b1", "W2", "b2"):
            agrees(shown, getattr(update.after, name), f"{name}_new")
        agrees(shown, update.loss_after, "L_after")
    assert "they agree." in printed or "torch is not installed" in printed, printed[-300:]
    assert "DISAGREE" not in printed


def test_the_check_can_fail(kernel):
    """A wrong gradient (δ1 without σ′) makes the notebook's torch check say so, when torch is there."""
    pytest.importorskip("torch")
    text = notebooks.page_notebook("hidden-gradient", solve(DEFAULT_INPUTS, "consistent"))
    shown, printed = execute(kernel, text.replace("delta1_net = (delta2_net @ W2.T) * A1_net * (1 - A1_net)",
                                                  "delta1_net = (delta2_net @ W2.T)"))
    assert "they DISAGREE." in printed


@pytest.mark.parametrize("config", [
    TrainConfig(),
    TrainConfig(dataset="moons", n_samples=100, hidden_sizes=(6, 4), hidden="relu", init_scale=None,
                optimizer="adam", lr=0.01, batch_size=16, l2=0.001, epochs=60, test_ratio=0.2),
    TrainConfig(dataset="blobs", n_classes=3, output="softmax", loss="ce", optimizer="momentum", lr=0.1,
                hidden="sigmoid", epochs=80),
])
def test_the_lab_notebook_retrains_the_run_to_the_labs_losses(kernel, config):
    run = train_config(config)
    shown, printed = execute(kernel, notebooks.lab_notebook(run))
    assert f"{run.history.epochs_run} epochs" in printed and "[image/png]" in printed
    np.testing.assert_allclose(shown["final loss"], run.history.losses[-1], rtol=1e-9)
    assert "matplotlib is not installed" not in printed, "requirements-dev has matplotlib: the curve is drawn"


def test_notebooks_are_valid_nbformat():
    nb = nbformat.reads(notebooks.page_notebook("forward-pass", solve()), as_version=4)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown" and "$$" in nb.cells[2].source
    with pytest.raises(ValueError, match="page must be one of"):
        notebooks.page_notebook("training", solve())
