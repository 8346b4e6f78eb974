"""The AppTest helpers of the page tests: open a dashboard page in Streamlit's AppTest the way a browser would reach
it, and read what it shows.

Imported as ``from tests.apptest import ...`` (never from tests/conftest.py, which every test loads and which
stays free of Streamlit so that tests/backprop runs with numpy alone)."""
from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def open_page(page_id: str | None, query: dict[str, str] | None = None, timeout: float = 30) -> AppTest:
    """Open ``page_id`` (None: the overview) with ``query`` as the first request of a new session, the
    way a shared link arrives: app.py is the entry point, and the page's script is the one that runs."""
    from dashboard.nav import page_path

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if page_id is not None:
        at.switch_page(page_path(page_id))
    return at.run()


def figures(at: AppTest) -> list[dict]:
    """The Plotly figures on the page, as JSON (AppTest has no plotly_chart accessor)."""
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def plotly_array(value) -> np.ndarray:
    """An array from Plotly's JSON: a plain list, or its typed-array form {dtype, bdata, shape}."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = [int(s) for s in str(value.get("shape", flat.size)).split(",")]
        return flat.reshape(shape).astype(float)
    return np.array(value, dtype=float)


def heatmaps(at: AppTest) -> dict[str, np.ndarray]:
    """{title: z} for every heatmap on the page."""
    out = {}
    for fig in figures(at):
        trace = fig["data"][0] if fig["data"] else {}  # the lab's animated pictures have no traces of their own
        if trace.get("type") == "heatmap":
            out[fig["layout"]["title"]["text"]] = plotly_array(trace["z"])
    return out


def edit_cell(at: AppTest, matrix: str, row: int, column_label: str, value) -> AppTest:
    """Type ``value`` into one cell of a matrix editor and rerun, as st.data_editor reports an edit."""
    key = at.session_state["editor_keys"][matrix]
    at.session_state[key] = {"edited_rows": {row: {column_label: value}}, "added_rows": [], "deleted_rows": []}
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture
def page():
    return open_page
