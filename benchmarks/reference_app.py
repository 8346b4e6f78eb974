"""The reference page: the least a Streamlit page with the dashboard's three ingredients costs.

    streamlit run benchmarks/reference_app.py

One st.data_editor (a 2 × 2 matrix), one st.latex line and one Plotly heatmap of the edited matrix,
and nothing else: no sidebar, no session set-up, no caches. bench_class and bench_sessions serve it
beside the dashboard and report "first view of page X / first view of this page", so that a page's
cost reads as a multiple of what Streamlit itself needs for the same kinds of element, on the same
machine in the same run. Kept independent of `dashboard` and `backprop` on purpose.
"""
import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="Reference page")
st.title("Reference page")

frame = pd.DataFrame([[0.1, 0.2], [0.3, 0.4]], index=["row 1", "row 2"], columns=["col 1", "col 2"])
edited = st.data_editor(frame, key="matrix", num_rows="fixed",
                        column_config={c: st.column_config.NumberColumn(c) for c in frame.columns})
st.latex(r"Z_1 = X \cdot W_1 + b_1")

M = edited.to_numpy(dtype=float)
limit = float(np.abs(M).max()) or 1.0
fig = go.Figure(go.Heatmap(z=M, x=list(frame.columns), y=list(frame.index), colorscale="RdBu", reversescale=True,
                           zmin=-limit, zmax=limit, text=np.round(M, 3), texttemplate="%{text}"))
fig.update_layout(title="The matrix", height=320, margin={"l": 40, "r": 20, "t": 50, "b": 30})
fig.update_yaxes(autorange="reversed")
st.plotly_chart(fig, key="heatmap", config={"displayModeBar": False}, width="stretch")
