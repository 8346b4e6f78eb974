"""Jupyter notebooks (nbformat 4) that redo the app's numbers in plain numpy: one per problem page for its current
example (every step a Markdown cell with its formula and a code cell computing it, ending with a torch.autograd
check of the gradients), and one per lab run that retrains it and plots its loss. Pure builders: each returns the
notebook's JSON text.

Every code cell shows its result with ``show(name, value)``, which prints the value's full precision (Python's
repr of each float), so what a notebook prints can be compared with what the page shows.
"""
from __future__ import annotations

import nbformat
import numpy as np
from nbformat import v4

from backprop.assignment import OUTPUT_LOSSES, Solution, Update
from dashboard.parsing import canonical

#: Which steps each problem page's notebook works, in order (each page's notebook also works the steps before it).
PAGE_STEPS = {"forward-pass": 2, "output-gradient": 6, "hidden-gradient": 9, "weight-update": 11}

_SHOW = '''def show(name, value):
    """Print a result at full precision (every float as Python writes it exactly)."""
    value = np.asarray(value, dtype=float)
    print(f"{name} =", value.tolist() if value.ndim else float(value))'''

_TORCH_CHECK = '''try:
    import torch
except ImportError:
    torch = None
if torch is None:
    print("torch is not installed, so the autograd check did not run: pip install torch, then run this cell again.")
else:
    t = {name: torch.tensor(value, dtype=torch.float64, requires_grad=name in ("W1", "b1", "W2", "b2"))
         for name, value in {"X": X, "y": y, "W1": W1, "b1": b1, "W2": W2, "b2": b2}.items()}
    A2_t = torch.sigmoid(torch.sigmoid(t["X"] @ t["W1"] + t["b1"]) @ t["W2"] + t["b2"])
    if LOSS == "mse":
        L_t = ((A2_t - t["y"]) ** 2).sum() / (2 * X.shape[0])
    else:
        L_t = torch.nn.functional.binary_cross_entropy(A2_t, t["y"], reduction="sum") / X.shape[0]
    L_t.backward()
    ours = {"W1": dW1_net, "b1": db1_net, "W2": dW2_net, "b2": db2_net}
    worst = max(float(np.abs(t[name].grad.numpy() - ours[name]).max()) for name in ours)
    print(f"torch.autograd's gradients and the numpy ones above differ by at most {worst:.1e}:",
          "they agree." if worst < 1e-12 else "they DISAGREE.")'''


def _array(M) -> str:
    """numpy source for a float64 array with every entry written exactly."""
    M = np.asarray(M, dtype=np.float64)
    if M.ndim == 1:
        return "np.array([" + ", ".join(canonical(v) for v in M) + "])"
    rows = ", ".join("[" + ", ".join(canonical(v) for v in row) + "]" for row in M)
    return f"np.array([{rows}])"


def _notebook(cells: list) -> str:
    """The notebook's JSON; cells are numbered (nbformat draws random ids), so that one example gives one file."""
    for i, cell in enumerate(cells, start=1):
        cell.id = f"cell-{i}"
    nb = v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(nb)
    return nbformat.writes(nb)


def _step(cells: list, title: str, formula: str, code: str, why: str = "") -> None:
    cells.append(v4.new_markdown_cell(f"### {title}\n\n$$ {formula} $$" + (f"\n\n{why}" if why else "")))
    cells.append(v4.new_code_cell(code))


def page_notebook(page: str, sol: Solution, update: Update | None = None) -> str:
    """The notebook of problem page ``page`` (a key of PAGE_STEPS) for ``sol``'s example and mode (``update``: Problem
    5's step, for the weight-update page). It defines the page's results under the page's names: Z1, A1, delta2,
    dW2, db2, delta1, dW1, db1 and, after the step, W1_new, b1_new, W2_new, b2_new, L_after."""
    if page not in PAGE_STEPS:
        raise ValueError(f"page must be one of {', '.join(PAGE_STEPS)}; got {page!r}")
    if page == "weight-update" and update is None:
        raise ValueError("update: the weight-update page's notebook needs its step")
    inp, given = sol.inputs, sol.mode == "assignment"
    steps = PAGE_STEPS[page]
    mode = ("as in the assignment (its assumed A1 and given δ2 and δ1 are used where it uses them)" if given
            else "consistent (every value propagated from the inputs and the targets y)")
    cells = [v4.new_markdown_cell(
        f"# /{page}: the example, worked in numpy\n\n"
        f"The numbers of the page `/{page}` of *Backpropagation from scratch*, computed step by step with numpy: "
        f"{mode}, loss {OUTPUT_LOSSES[sol.loss]}. Shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,), y (N, C). "
        "Run the cells in order (Jupyter, JupyterLab, VS Code or Colab: *Run all*).")]
    setup = ["import numpy as np", "", _SHOW, "", f"X = {_array(inp.X)}", f"W1 = {_array(inp.W1)}",
             f"b1 = {_array(inp.b1)}", f"W2 = {_array(inp.W2)}", f"b2 = {_array(inp.b2)}", f"y = {_array(inp.y)}",
             f'LOSS = "{sol.loss}"']
    if given:
        setup += [f"A1_given = {_array(inp.A1_given)}  # what the assignment assumes",
                  f"delta2_given = {_array(inp.delta2)}  # what the assignment gives",
                  f"delta1_given = {_array(inp.delta1_given)}  # what the assignment gives"]
    if update is not None:
        setup.append(f"lr = {canonical(update.lr)}  # η")
    cells.append(v4.new_code_cell("\n".join(setup)))
    sig = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))\n\n"
    _step(cells, "Step 1 · The hidden layer's pre-activation", r"Z_1 = X \cdot W_1 + b_1",
          "Z1 = X @ W1 + b1\nshow(\"Z1\", Z1)", "The bias is added to every sample's row.")
    _step(cells, "Step 2 · The hidden activation", r"A_1 = \sigma(Z_1) = \frac{1}{1 + e^{-Z_1}}",
          sig + "A1 = sigmoid(Z1)\nshow(\"A1\", A1)"
          + ("\nA1_used = A1_given  # the assignment's assumed A1, used by its Problem 3" if given else
             "\nA1_used = A1"))
    if steps >= 6:
        _step(cells, "Step 3 · The output layer, forward (from the real A1 = σ(Z1))",
              r"Z_2 = A_1 \cdot W_2 + b_2, \qquad A_2 = \sigma(Z_2)",
              "Z2 = A1 @ W2 + b2\nA2 = sigmoid(Z2)\nshow(\"Z2\", Z2)\nshow(\"A2\", A2)")
        loss_formula = (r"L = \frac{1}{2N} \sum (A_2 - y)^2" if sol.loss == "mse" else
                        r"L = -\frac{1}{N} \sum \left[y \log A_2 + (1 - y) \log (1 - A_2)\right]")
        loss_code = ("L = ((A2 - y) ** 2).sum() / (2 * X.shape[0])" if sol.loss == "mse" else
                     "L = -(y * np.log(A2) + (1 - y) * np.log(1 - A2)).sum() / X.shape[0]")
        _step(cells, "Step 4 · The loss", loss_formula, loss_code + "\nshow(\"L\", L)")
        delta_formula = (r"\delta_2 = \frac{\partial L}{\partial A_2} \ast \sigma'(Z_2) = \frac{A_2 - y}{N} \ast "
                         r"A_2 (1 - A_2)" if sol.loss == "mse" else r"\delta_2 = \frac{A_2 - y}{N}")
        delta_code = ("delta2_net = (A2 - y) / X.shape[0] * A2 * (1 - A2)" if sol.loss == "mse" else
                      "delta2_net = (A2 - y) / X.shape[0]  # σ′(Z2) cancels the cross-entropy's denominator")
        _step(cells, "Step 5 · The error at the output", delta_formula,
              delta_code + "\nshow(\"delta2_net\", delta2_net)"
              + ("\ndelta2 = delta2_given  # the assignment gives δ2 instead" if given else "\ndelta2 = delta2_net")
              + "\nshow(\"delta2\", delta2)")
        _step(cells, "Step 6 · The output layer's gradients",
              r"\frac{\partial L}{\partial W_2} = A_1^T \cdot \delta_2, \qquad "
              r"\frac{\partial L}{\partial b_2} = \sum_n \delta_2",
              "dW2 = A1_used.T @ delta2\ndb2 = delta2.sum(axis=0)\nshow(\"dW2\", dW2)\nshow(\"db2\", db2)",
              "Aᵀ turns the (N, H) activations and the (N, C) errors into an (H, C) gradient: W2's shape.")
    if steps >= 9:
        _step(cells, "Step 7 · The error sent back through W2",
              r"\frac{\partial L}{\partial A_1} = \delta_2 \cdot W_2^T",
              "dA1 = delta2 @ W2.T\nshow(\"dA1\", dA1)")
        _step(cells, "Step 8 · The hidden layer's error", r"\delta_1 = (\delta_2 \cdot W_2^T) \ast \sigma'(Z_1), "
              r"\quad \sigma'(Z_1) = \sigma(Z_1)(1 - \sigma(Z_1))",
              "delta1_net = dA1 * A1 * (1 - A1)\nshow(\"delta1_net\", delta1_net)"
              + ("\ndelta1 = delta1_given  # the assignment gives δ1 instead" if given else "\ndelta1 = delta1_net")
              + "\nshow(\"delta1\", delta1)")
        _step(cells, "Step 9 · The hidden layer's gradients",
              r"\frac{\partial L}{\partial W_1} = X^T \cdot \delta_1, \qquad "
              r"\frac{\partial L}{\partial b_1} = \sum_n \delta_1",
              "dW1 = X.T @ delta1\ndb1 = delta1.sum(axis=0)\nshow(\"dW1\", dW1)\nshow(\"db1\", db1)")
    if steps >= 11:
        _step(cells, "Step 10 · One step of gradient descent",
              r"W \leftarrow W - \eta \frac{\partial L}{\partial W}, \qquad b \leftarrow b - \eta "
              r"\frac{\partial L}{\partial b}",
              "W1_new, b1_new = W1 - lr * dW1, b1 - lr * db1\nW2_new, b2_new = W2 - lr * dW2, b2 - lr * db2\n"
              "for name, value in ((\"W1_new\", W1_new), (\"b1_new\", b1_new), (\"W2_new\", W2_new), "
              "(\"b2_new\", b2_new)):\n    show(name, value)")
        after = ("L_after = ((A2_after - y) ** 2).sum() / (2 * X.shape[0])" if sol.loss == "mse" else
                 "L_after = -(y * np.log(A2_after) + (1 - y) * np.log(1 - A2_after)).sum() / X.shape[0]")
        _step(cells, "Step 11 · The loss after the step, by a second forward pass",
              r"L' = L\big(\sigma(\sigma(X W_1' + b_1') W_2' + b_2'),\ y\big)",
              "A2_after = sigmoid(sigmoid(X @ W1_new + b1_new) @ W2_new + b2_new)\n" + after
              + "\nshow(\"L_after\", L_after)")
    cells.append(v4.new_markdown_cell(
        "### Check the gradients with torch.autograd\n\nThe network's own gradients, by backpropagation from the "
        "inputs and y (in the consistent mode these are the ones above), against what PyTorch's automatic "
        "differentiation finds for the same loss. The cell says so if torch is not installed."))
    net_grads = ["A1_net = sigmoid(X @ W1 + b1)", "A2_net = sigmoid(A1_net @ W2 + b2)",
                 "delta2_net = (A2_net - y) / X.shape[0]" + (" * A2_net * (1 - A2_net)" if sol.loss == "mse" else ""),
                 "dW2_net, db2_net = A1_net.T @ delta2_net, delta2_net.sum(axis=0)",
                 "delta1_net = (delta2_net @ W2.T) * A1_net * (1 - A1_net)",
                 "dW1_net, db1_net = X.T @ delta1_net, delta1_net.sum(axis=0)", "", _TORCH_CHECK]
    cells.append(v4.new_code_cell("\n".join(net_grads)))
    return _notebook(cells)


# --- the lab -------------------------------------------------------------------------------------------------

_LAB_CODE = '''def activation(name, Z):
    if name == "sigmoid":
        e = np.exp(-np.abs(Z))
        return np.where(Z >= 0, 1.0, e) / (1.0 + e)
    if name == "tanh":
        return np.tanh(Z)
    if name == "relu":
        return np.maximum(Z, 0.0)
    if name == "softmax":
        e = np.exp(Z - Z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    return Z  # identity


def slope(name, Z, A):
    """f'(Z) of a hidden activation, from its output A where that is how it is written."""
    return {"sigmoid": A * (1 - A), "tanh": 1 - A * A, "relu": (Z > 0).astype(float)}.get(name, np.ones_like(Z))


def loss_and_delta(Z, A, Y):
    """The mean loss and delta_L = dL/dZ_L of the output layer."""
    N = Z.shape[0]
    if LOSS == "mse":
        value = ((A - Y) ** 2).sum() / (2 * N)
        delta = (A - Y) / N * (A * (1 - A) if OUTPUT == "sigmoid" else 1.0)
    elif LOSS == "bce":  # from Z, so that log 0 never happens
        value = (np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))).sum() / N
        delta = (A - Y) / N
    else:  # ce on a softmax
        m = Z.max(axis=1, keepdims=True)
        value = -(Y * (Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))).sum() / N
        delta = (A - Y) / N
    return value, delta


def forward(Ws, bs, X):
    As, Zs = [X], []
    for l, (W, b) in enumerate(zip(Ws, bs), start=1):
        Z = As[-1] @ W + b
        Zs.append(Z)
        As.append(activation(OUTPUT if l == len(Ws) else HIDDEN, Z))
    return Zs, As


def loss_and_gradients(Ws, bs, X, Y):
    """Backpropagation, layer by layer from the output: dW_l = A_(l-1)^T delta_l, delta_(l-1) = (delta_l W_l^T) * f'."""
    Zs, As = forward(Ws, bs, X)
    value, delta = loss_and_delta(Zs[-1], As[-1], Y)
    dWs, dbs = [None] * len(Ws), [None] * len(Ws)
    for l in range(len(Ws) - 1, -1, -1):
        dWs[l], dbs[l] = As[l].T @ delta, delta.sum(axis=0)
        if l:
            delta = (delta @ Ws[l].T) * slope(HIDDEN, Zs[l - 1], As[l])
    if L2:
        value += 0.5 * L2 * sum((W * W).sum() for W in Ws)
        dWs = [dW + L2 * W for dW, W in zip(dWs, Ws)]
    return value, dWs, dbs


def update(params, grads, state):
    """One step of the run's optimiser on every parameter (each rule works entry by entry)."""
    if OPTIMIZER == "sgd":
        return [p - LR * g for p, g in zip(params, grads)]
    if OPTIMIZER == "momentum":
        state["v"] = [-LR * g if v is None else 0.9 * v - LR * g for v, g in zip(state["v"], grads)]
        return [p + v for p, v in zip(params, state["v"])]
    state["t"] += 1
    t = state["t"]
    state["m"] = [(1 - 0.9) * g if m is None else 0.9 * m + (1 - 0.9) * g for m, g in zip(state["m"], grads)]
    state["s"] = [(1 - 0.999) * g * g if s is None else 0.999 * s + (1 - 0.999) * g * g
                  for s, g in zip(state["s"], grads)]
    return [p - LR * ((m / (1 - 0.9 ** t)) / (np.sqrt(s / (1 - 0.999 ** t)) + 1e-8))
            for p, m, s in zip(params, state["m"], state["s"])]'''

_LAB_LOOP = '''Ws, bs = [W.copy() for W in Ws0], [b.copy() for b in bs0]
state = {"v": [None] * (2 * len(Ws)), "m": [None] * (2 * len(Ws)), "s": [None] * (2 * len(Ws)), "t": 0}
rng = np.random.default_rng(SEED)  # shuffles the mini-batches, as the lab does
N = X.shape[0]
losses = []
for epoch in range(EPOCHS):
    value, dWs, dbs = loss_and_gradients(Ws, bs, X, Y)
    if not np.isfinite(value):
        print(f"the loss stopped being finite at epoch {epoch}")
        break
    losses.append(value)
    batches = [np.arange(N)] if BATCH is None or BATCH >= N else [
        idx for order in [rng.permutation(N)] for idx in np.array_split(order, range(BATCH, N, BATCH))]
    finite = True
    for idx in batches:
        if len(batches) > 1:
            _, dWs, dbs = loss_and_gradients(Ws, bs, X[idx], Y[idx])
        params = update([p for pair in zip(Ws, bs) for p in pair], [g for pair in zip(dWs, dbs) for g in pair], state)
        if not np.isfinite(sum(float((p * p).sum()) for p in params)):  # as the lab: beyond 1e154 has diverged
            finite = False
            break
        Ws, bs = params[0::2], params[1::2]
    if not finite:
        print(f"an update stopped being finite at epoch {epoch + 1}")
        break
losses = np.array(losses)
show("final loss", losses[-1])
print(f"{len(losses)} epochs; the lab's loss before its last update was {LAB_LAST_LOSS!r}")'''

_LAB_PLOT = '''try:
    import matplotlib.pyplot as plt
except ImportError:
    plt = None
else:
    try:
        get_ipython().run_line_magic("matplotlib", "inline")  # the figure in the notebook itself, whatever the setup
    except NameError:  # run as a plain script: plt.show() opens a window
        pass
if plt is None:
    print("matplotlib is not installed (pip install matplotlib); the loss every 10 epochs instead:")
    print(losses[::10])
else:
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(np.arange(len(losses)), losses, color="#0072B2", label="training loss")
    if losses.max() > 10 * losses[0]:
        ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_title("The run retrained in numpy")
    ax.legend()
    plt.show()'''


def lab_notebook(run) -> str:
    """The notebook that retrains lab run ``run`` (a backprop.runs.Run) in plain numpy from the same starting
    weights, on the same (standardised) training samples with the same settings, and plots its loss. It defines
    ``losses``, one per epoch, as the lab's History.losses."""
    c = run.config
    Y = run.targets(run.data)
    if c.loss == "ce":
        Y = np.eye(run.initial.sizes[-1])[np.asarray(Y)]
    cells = [v4.new_markdown_cell(
        "# A training-lab run, retrained in numpy\n\n"
        f"Network {'-'.join(str(s) for s in run.initial.sizes)}, hidden {c.hidden}, output {c.output} with loss "
        f"{c.loss}; {c.optimizer}, learning rate {canonical(c.lr)}, "
        + ("all samples per update" if c.batch_size is None else f"mini-batches of {c.batch_size}")
        + f", L2 {canonical(c.l2)}, "
        f"{c.epochs} epochs, on {run.data.n_samples} training samples"
        + (" (standardised as the lab standardised them)" if run.scaling is not None else "")
        + ". Every line of the training below is plain numpy; run the cells in order.")]
    setup = ["import numpy as np", "", _SHOW, "",
             f'HIDDEN, OUTPUT, LOSS, OPTIMIZER = "{c.hidden}", "{c.output}", "{c.loss}", "{c.optimizer}"',
             f"LR, L2, EPOCHS, SEED = {canonical(c.lr)}, {canonical(c.l2)}, {c.epochs}, {c.seed}",
             f"BATCH = {c.batch_size!r}  # None: every sample in each update",
             f"LAB_LAST_LOSS = {canonical(run.history.losses[-1])}",
             "", "# the training samples (N, D) and their targets (N, C)",
             f"X = {_array(run.data.X)}", f"Y = {_array(Y)}", "", "# the starting weights",
             "Ws0 = [" + ", ".join(_array(W) for W in run.initial.Ws) + "]",
             "bs0 = [" + ", ".join(_array(b) for b in run.initial.bs) + "]"]
    cells.append(v4.new_code_cell("\n".join(setup)))
    cells.append(v4.new_markdown_cell(
        "### Forward, backward, update\n\n$$ Z_l = A_{l-1} W_l + b_l,\\quad A_l = f(Z_l);\\qquad "
        "\\delta_L = \\frac{\\partial L}{\\partial Z_L},\\quad \\frac{\\partial L}{\\partial W_l} = A_{l-1}^T "
        "\\delta_l,\\quad \\delta_{l-1} = (\\delta_l W_l^T) \\ast f'(Z_{l-1}) $$"))
    cells.append(v4.new_code_cell(_LAB_CODE))
    cells.append(v4.new_markdown_cell("### Train, epoch by epoch\n\nThe loss is recorded before each epoch's update, "
                                      "as the lab records it."))
    cells.append(v4.new_code_cell(_LAB_LOOP))
    cells.append(v4.new_markdown_cell("### The loss curve"))
    cells.append(v4.new_code_cell(_LAB_PLOT))
    return _notebook(cells)
