"""Helpers shared by the AppTest tests of several pages (tests.apptest opens the pages)."""
import numpy as np

from backprop import assignment as a
from tests.apptest import figures


def latex_text(at) -> str:
    return "\n".join(el.value for el in at.latex)


def by_hand(y=a.TRAIN_TARGET, b2=(0.0, 0.0), loss="mse"):
    """δ2, ∂L/∂W2 and δ1 of the assignment's network from the target y, with plain numpy."""
    A1 = 1 / (1 + np.exp(-a.Z1))
    A2 = 1 / (1 + np.exp(-(A1 @ a.W2 + np.asarray(b2))))
    delta2 = (A2 - y) * A2 * (1 - A2) if loss == "mse" else A2 - y
    delta1 = (delta2 @ a.W2.T) * A1 * (1 - A1)
    return delta2, A1.T @ delta2, delta1


def text_of(at) -> str:
    return "\n".join([*(m.value for m in at.markdown), *(c.value for c in at.caption)])


COLUMN = {"Z1": "hidden unit", "dW2": "output", "delta1": "hidden unit", "dW1": "hidden unit"}


def annotations(at) -> str:
    graph = next(f for f in figures(at) if any(t.get("mode") == "markers+text" for t in f["data"]))
    return " ".join(ann["text"] for ann in graph["layout"].get("annotations", []))


def answer(at, quantity, *typed):
    """Type an answer into the page's answer checker of ``quantity`` and rerun, as st.data_editor reports an edit.

    ``answer(at, quantity, M)``: the numbers of the matrix M, in columns named as COLUMN[quantity] names them.
    ``answer(at, quantity, column, cells)``: the text of each cell exactly as given, in columns "column 1", ….
    """
    key = at.session_state["editor_keys"][f"answer_{quantity}"]
    if len(typed) == 1:
        M = np.atleast_2d(typed[0])
        rows = {r: {f"{COLUMN[quantity]} {c + 1}": float(M[r, c]) for c in range(M.shape[1])}
                for r in range(M.shape[0])}
    else:
        column, cells = typed
        rows = {r: {f"{column} {c + 1}": text for c, text in enumerate(row)} for r, row in enumerate(cells)}
    at.session_state[key] = {"edited_rows": rows, "added_rows": [], "deleted_rows": []}
    return at.run()
