"""Class: join your instructor's class session, answer the question they ask, and see it marked."""
import streamlit as st

from dashboard import nav
from dashboard.classroom import student

page = nav.page_setup("class", "Class", example_page=False)
st.title("Class")
me = student.arrive()
if me is None:
    student.join_form()
else:
    student.question_view(me)
