"""Loaded for every test, so kept to numpy-level code: no Streamlit, pandas, Plotly, PIL or dashboard import here.

tests/backprop runs with numpy, pytest and hypothesis alone. The AppTest helpers of the page tests (open_page,
figures, heatmaps, edit_cell, ...) are in tests/apptest.py, imported as ``from tests.apptest import ...``."""
import os

import pytest

from tests import postgres


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the whole test session (tests/postgres.py): its SQLAlchemy URL."""
    try:
        with postgres.server() as url:
            yield url
    except RuntimeError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the PostgreSQL tests may not be skipped: {exc}", pytrace=False)
        pytest.skip(str(exc))
