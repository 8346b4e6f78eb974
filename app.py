"""Overview page (placeholder until the dashboard lands)."""
import streamlit as st

st.title("Backpropagation from scratch")
