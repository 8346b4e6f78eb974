"""The Streamlit dashboard's shared pieces: formatting, LaTeX and figure builders (plain functions,
testable without a browser) and the widgets every page uses. Numbers come from `backprop`; nothing
here computes a gradient."""
