"""Teach: the instructor's area, behind the instructor key: quiz sheets with their answer keys."""
import streamlit as st

from dashboard import nav
from dashboard.classroom import views

page = nav.page_setup("teach", "Teach", example_page=False)
st.title("Teach")
if views.key_form():
    views.quiz_sheets()
