"""Tests of the pure helpers of benchmarks/profile_first_view.py: sampled stacks into buckets."""
from collections import Counter

import pytest

from benchmarks.profile_first_view import BUCKETS, OTHER, bucket_of, parse_raw, shares

RUNNER = "run (threading.py:982);_run_script (streamlit/runtime/scriptrunner/script_runner.py:600)"


@pytest.mark.parametrize(("stack", "bucket"), [
    (f"{RUNNER};<module> (pages/5_training.py:10);train (backprop/training.py:80)", "page scripts"),
    (f"{RUNNER};Page.run (streamlit/navigation/page.py:574);<module> (5_training.py:150)", "page scripts"),
    (f"{RUNNER};ScriptRunner._on_script_finished (streamlit/runtime/scriptrunner/script_runner.py:1055)",
     "end of run: gc.collect"),
    (f"{RUNNER};<module> (pages/2_forward-pass.py:9);heatmap (dashboard/display.py:45);"
     "__init__ (plotly/graph_objs/_figure.py:600)", "Plotly figure building"),
    (f"{RUNNER};plotly_chart (streamlit/elements/plotly_chart.py:500);to_json (plotly/io/_json.py:170)",
     "Plotly to JSON"),
    (f"{RUNNER};data_editor (streamlit/elements/widgets/data_editor.py:900);"
     "convert_pandas_df_to_arrow_bytes (streamlit/dataframe_util.py:800)", "Arrow tables"),
    ("run (asyncio/base_events.py:600);serialize_forward_msg (streamlit/runtime/forward_msg_cache.py:40)",
     "protobuf"),
    (f"{RUNNER};_enqueue (streamlit/delta_generator.py:500)", "Streamlit script runner"),
    ("run (asyncio/base_events.py:600);send (starlette/websockets.py:100)", "server and event loop"),
    ("_bootstrap (threading.py:1002)", OTHER),
])
def test_bucket_of(stack, bucket):
    assert bucket_of(stack) == bucket


def test_parse_raw_and_shares():
    lines = [f"{RUNNER};<module> (pages/5_training.py:10) 30\n",
             "run (asyncio/base_events.py:600);send (starlette/websockets.py:100) 10\n",
             "garbage without a count\n", "\n"]
    counts = parse_raw(lines)
    assert counts == Counter({"page scripts": 30, "server and event loop": 10})
    share = shares(counts)
    assert share["page scripts"] == pytest.approx(0.75) and share[OTHER] == 0
    assert list(share) == [*(b for b, _ in BUCKETS), OTHER]
    with pytest.raises(ValueError, match="no samples"):
        shares(Counter())
