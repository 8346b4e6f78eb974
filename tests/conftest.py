"""Loaded for every test, so kept to numpy-level code: no Streamlit, pandas, Plotly, PIL or dashboard import here.

tests/backprop runs with numpy, pytest and hypothesis alone. The AppTest helpers of the page tests (open_page,
figures, heatmaps, edit_cell, ...) are in tests/apptest.py, imported as ``from tests.apptest import ...``."""
