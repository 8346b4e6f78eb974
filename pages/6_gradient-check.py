"""Gradient check (being built)."""
import streamlit as st

from dashboard import ui

page = ui.page_setup("gradient-check", "Gradient check", example_page=False)
st.title("Gradient check")
