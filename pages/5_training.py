"""Training loop (being built)."""
import streamlit as st

from dashboard import ui

page = ui.page_setup("training", "Training loop", example_page=False)
st.title("Training loop")
