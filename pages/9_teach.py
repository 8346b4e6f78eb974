"""Teach: the instructor's area, behind the instructor key: a live class session, and quiz sheets with their keys."""
import streamlit as st

from dashboard import nav
from dashboard.classroom import live, views

page = nav.page_setup("teach", "Teach", example_page=False)
st.title("Teach")
if views.key_form():
    session = live.choose_session()
    if session is not None:
        live.join_panel(session)
        live.ask_panel(session)
        live.live_view(session.id)
        live.exports(session)
    views.quiz_sheets()
