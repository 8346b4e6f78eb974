"""AppTest tests of the /weight-update page (Problem 5, one gradient-descent step).

The page from a link that gives every parameter, what it says about the loss, checking the updated weights, the
learning rate as typed, and solutions hidden until revealed."""
import numpy as np
import pytest

from backprop import assignment as a
from backprop.runs import train_config as full_run
from dashboard import claims
from dashboard.nav import page_path
from tests.apptest import heatmaps, no_exception, open_page

#: A link that gives every parameter of Problem 5: a 2-3-2 network on two samples.
LINK = {"X": "1,2;-1,0.5", "W1": "0.1,-0.2,0.3;0.4,0.5,-0.6", "b1": "0.1,0,-0.1", "W2": "0.2,-0.3;0.4,0.1;-0.5,0.6",
        "b2": "0.05,-0.05", "y": "0.2,0.9;0.7,0.1", "lr": "0.8", "mode": "consistent"}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def by_hand(X, W1, b1, W2, b2, y, lr):
    """One step of gradient descent on the mse loss, written with plain numpy, and the loss before and after."""
    def loss(W1, b1, W2, b2):
        A2 = sigmoid(sigmoid(X @ W1 + b1) @ W2 + b2)
        return ((A2 - y) ** 2).sum() / (2 * len(X))
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    d2 = (A2 - y) / len(X) * A2 * (1 - A2)
    d1 = (d2 @ W2.T) * A1 * (1 - A1)
    new = (W1 - lr * X.T @ d1, b1 - lr * d1.sum(0), W2 - lr * A1.T @ d2, b2 - lr * d2.sum(0))
    return new, loss(W1, b1, W2, b2), loss(*new)


def matrix(text):
    return np.array([[float(v) for v in row.split(",")] for row in text.split(";")])


def test_a_link_with_every_parameter_shows_the_updated_matrices_and_the_loss_before_and_after():
    at = open_page("weight-update", LINK)
    no_exception(at)
    assert not at.warning, [w.value for w in at.warning]
    given = {name: matrix(LINK[name]) for name in ("X", "W1", "b1", "W2", "b2", "y")}
    (W1, b1, W2, b2), before, after = by_hand(given["X"], given["W1"], given["b1"][0], given["W2"], given["b2"][0],
                                             given["y"], 0.8)
    maps = heatmaps(at)
    np.testing.assert_allclose(maps["W1 after the step"], W1, rtol=1e-12)
    np.testing.assert_allclose(maps["b1 after the step"], [b1], rtol=1e-12)
    np.testing.assert_allclose(maps["W2 after the step"], W2, rtol=1e-12)
    np.testing.assert_allclose(maps["b2 after the step"], [b2], rtol=1e-12)
    metrics = {m.label: m.value for m in at.metric}
    shown_before, shown_after = claims.distinct(before, after)
    assert metrics == {"Loss before the step": shown_before, "Loss after the step": shown_after}
    assert float(shown_before) == pytest.approx(before, rel=1e-3)
    assert float(shown_after) == pytest.approx(after, rel=1e-3)
    # the sentence about the loss is true of these numbers
    said = " ".join(m.value for m in at.markdown)
    assert ("The loss fell from" if after < before else "The loss rose from") in said
    # the link survives: the address bar still describes the example
    assert dict(at.query_params) == LINK


def test_the_assignments_step_by_default_with_the_report_gradients():
    at = open_page("weight-update")
    no_exception(at)
    maps = heatmaps(at)
    np.testing.assert_allclose(maps["W2 after the step"], [[0.41, 0.735], [0.605, 0.9425]], atol=1e-12)
    np.testing.assert_allclose(maps["W1 after the step"], [[0.11, 0.22], [0.315, 0.43]], atol=1e-12)
    np.testing.assert_allclose(maps["b2 after the step"], [[-0.1, 0.15]], atol=1e-12)
    info = " ".join(i.value for i in at.info)
    assert "gradients as in the assignment" in info and "given δ1" in info
    latex = "\n".join(el.value for el in at.latex)
    assert r"0.5 \cdot \begin{pmatrix} 0.18 & -0.27 \\ 0.19 & -0.285 \end{pmatrix}" in latex
    assert "The loss fell from 0.2998 to 0.251" in " ".join(m.value for m in at.markdown)


def test_changing_eta_moves_the_step_and_the_link():
    at = open_page("weight-update")
    at.text_input(key="_text_lr").set_value("0.1").run()
    no_exception(at)
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], a.W2 - 0.1 * a.DW2, rtol=1e-12)
    assert dict(at.query_params) == {"lr": "0.1"}


def test_more_steps_table_and_its_sentence():
    at = open_page("weight-update", {"mode": "consistent"})
    at.text_input(key="_text_update_more_steps").set_value("5").run()
    no_exception(at)
    table = next(d.value for d in at.dataframe if "loss" in d.value.columns)
    step = a.gradient_step(a.solve(mode="consistent"), a.DEFAULT_LR)
    expected = [step.loss_before, *a.more_steps(step, 5).losses]
    np.testing.assert_allclose(table["loss"], expected, rtol=1e-14)
    assert list(table["step"]) == list(range(7))
    assert np.all(np.diff(expected) < 0)
    assert "it fell at every step" in " ".join(m.value for m in at.markdown)


def test_a_learning_rate_too_large_says_the_loss_rose():
    at = open_page("weight-update", {"mode": "consistent", "lr": "30", "y": "0.5,0.5"})
    no_exception(at)
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS.with_values(y=[[0.5, 0.5]]), "consistent"), 30)
    said = " ".join(m.value for m in at.markdown)
    assert step.loss_after > step.loss_before
    assert "The loss rose from" in said and "fell" not in said.split("The loss rose")[0]


def type_answer(at, quantity, column_name, M):
    """Fill the answer checker of ``quantity`` with M, as st.data_editor reports an edit."""
    key = at.session_state["editor_keys"][f"answer_{quantity}"]
    rows = {r: {f"{column_name} {c + 1}": float(M[r][c]) for c in range(len(M[0]))} for r in range(len(M))}
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()


def test_check_my_answer_on_the_updated_weights():
    at = open_page("weight-update")
    type_answer(at, "W2_new", "output", [[0.41, 0.735], [0.605, 0.9425]])
    no_exception(at)
    assert any("All 4 cells are right" in s.value for s in at.success)
    type_answer(at, "W1_new", "hidden unit", [[0.09, 0.18], [0.285, 0.37]])  # W1 + η·∂L/∂W1
    hints = [w.value for w in at.warning]
    assert any("Looks like: gradient added." in h for h in hints), hints


def test_every_quantity_of_the_step_is_checked_and_unchanged_weights_are_named():
    at = open_page("weight-update")
    step = a.gradient_step(a.solve(a.DEFAULT_INPUTS, "assignment"), a.DEFAULT_LR)
    grids = {quantity: at.session_state["editor_keys"].get(f"answer_{quantity}")
             for quantity in ("W1_new", "b1_new", "W2_new", "b2_new", "loss_after")}
    assert all(grids.values()), grids
    type_answer(at, "b1_new", "hidden unit", [list(step.after.b1)])
    type_answer(at, "b2_new", "output", [list(step.after.b2)])
    type_answer(at, "loss_after", "loss", [[float(f"{step.loss_after:.3g}")]])
    assert [s.value for s in at.success] == ["All 2 cells are right.", "All 2 cells are right.", "It is right."]
    type_answer(at, "W1_new", "hidden unit", a.W1.tolist())  # the weights as they were: not updated
    hints = [w.value for w in at.warning]
    assert any("Looks like: the weights were not updated." in h for h in hints), hints
    assert not any("rounding" in h for h in hints)


def test_hidden_solutions_keep_the_step_and_the_loss_after_it_until_revealed():
    at = open_page("weight-update")
    at.sidebar.toggle[1].set_value(True).run()  # "Hide solutions until I ask"
    no_exception(at)
    assert not at.metric and not any(title.endswith("after the step") for title in heatmaps(at))
    assert all("0.251" not in el.value and "0.41" not in el.value for el in at.latex)
    assert not at.get("download_button")
    next(b for b in at.button if b.label == "Reveal the solution").click().run()
    assert {m.label for m in at.metric} == {"Loss before the step", "Loss after the step"}
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], [[0.41, 0.735], [0.605, 0.9425]], atol=1e-12)


def test_with_solutions_hidden_the_page_still_gives_the_gradients_the_step_uses():
    # Problem 5's givens are the gradients of Problems 3 and 4: without them the step cannot be worked by hand.
    at = open_page("weight-update", LINK)
    at.sidebar.toggle[1].set_value(True).run()  # "Hide solutions until I ask"
    no_exception(at)
    (box,) = [e for e in at.expander if e.label.startswith("The gradients this step uses")]
    labels = [m.value for m in box.markdown]
    assert labels == ["**∂L/∂W1**", "**∂L/∂b1**", "**∂L/∂W2**", "**∂L/∂b2**"]
    X, W1, b1, W2, b2, y = (matrix(LINK[k]) for k in ("X", "W1", "b1", "W2", "b2", "y"))
    b1, b2 = b1[0], b2[0]
    A1 = sigmoid(X @ W1 + b1)
    A2 = sigmoid(A1 @ W2 + b2)
    d2 = (A2 - y) / len(X) * A2 * (1 - A2)
    d1 = (d2 @ W2.T) * A1 * (1 - A1)
    expected = [X.T @ d1, d1.sum(0, keepdims=True), A1.T @ d2, d2.sum(0, keepdims=True)]
    for table, want in zip(box.dataframe, expected, strict=True):
        np.testing.assert_allclose(table.value.to_numpy(), want, rtol=1e-12)


# --- single numbers typed into a field (the learning rate, the number of steps) -----------------------


@pytest.mark.parametrize("typed, used", [("1e-3", 1e-3), ("0.25", 0.25), (" 2.5E-1 ", 0.25), ("+1", 1.0)])
def test_a_typed_learning_rate_is_used_exactly(typed, used):
    at = open_page("weight-update")
    at.text_input(key="_text_lr").set_value(typed).run()
    no_exception(at)
    assert not at.error
    assert at.session_state["lr"] == used
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], a.W2 - used * a.DW2, rtol=1e-12)


@pytest.mark.parametrize("typed, reason", [("0,3", "uses a decimal comma"), ("abc", "is not a number"),
                                           ("\u22120.5", "is outside"), ("1e9", "is outside 1e-06 … 100"),
                                           ("", "is empty")])
def test_a_refused_learning_rate_names_itself_and_keeps_the_last_one(typed, reason):
    at = open_page("weight-update")
    at.text_input(key="_text_lr").set_value("0.1").run()
    at.text_input(key="_text_lr").set_value(typed).run()
    no_exception(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("Learning rate η") and reason in e and "Still using 0.1." in e for e in errors), errors
    np.testing.assert_allclose(heatmaps(at)["W2 after the step"], a.W2 - 0.1 * a.DW2, rtol=1e-12)


def test_a_whole_number_field_refuses_fractions():
    at = open_page("weight-update")
    at.text_input(key="_text_update_more_steps").set_value("2.5").run()
    assert any("More steps: “2.5” is not a whole number." in e.value for e in at.error)


def test_train_this_network_opens_the_lab_whose_first_update_is_this_pages_step():
    """The 2-3-2 example of the link, in the lab: its first update lands exactly on the page's updated weights."""
    at = open_page("weight-update", LINK)
    page = heatmaps(at)
    step = a.gradient_step(a.solve(at.session_state["inputs"], "consistent", "mse"), 0.8)
    np.testing.assert_allclose(page["W1 after the step"], step.after.W1, rtol=1e-12)
    at.button(key="train_in_lab").click().run()
    no_exception(at)
    assert any(h.value == "Training lab" for h in at.title), "the lab opened"
    config = at.session_state["lab_config"]
    assert (config.dataset, config.lr, config.loss, config.hidden_sizes) == ("example", 0.8, "mse", (3,))
    assert dict(at.query_params)["data"] == "example" and dict(at.query_params)["lr"] == "0.8"
    at.switch_page(page_path("training"))  # AppTest reruns the page it started on; the browser is on /training now
    run = full_run(config)
    assert run.snapshot_epochs == list(range(config.epochs + 1)), "every epoch a frame: the player's Step is one update"
    at.select_slider(key="lab_epoch").set_value(1).run()  # where the player's first Step rests
    no_exception(at)
    lab = heatmaps(at)
    np.testing.assert_allclose(lab["W1 at epoch 1"], step.after.W1, rtol=1e-12, atol=1e-15)
    first = run.network_at(1)
    for mine, theirs in zip((*first.Ws, *first.bs), (step.after.W1, step.after.W2, step.after.b1, step.after.b2),
                            strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)


def test_the_notebook_of_the_page_is_offered_once_revealed():
    at = open_page("weight-update", LINK)
    assert any(b.label == "Notebook (Jupyter)" for b in at.get("download_button")), [
        b.label for b in at.get("download_button")]
