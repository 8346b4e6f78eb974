"""Tests of the pure helpers of benchmarks/bench_class.py (the lecture benchmark)."""
import json
import random

import pytest

from benchmarks.bench_class import (
    Outcome,
    arrival_offsets,
    chart_key,
    cookie_value,
    edit_delays,
    edit_record,
    editor_columns,
    parse_args,
    parse_response_head,
    parse_serve_line,
    pause_delays,
    paused_epoch,
    player_data,
    player_ready,
    ratio,
    students_per_replica,
    summarize,
    trigger_value,
    trigger_widget,
)


def test_arrival_offsets_spread_evenly_or_all_at_once():
    assert arrival_offsets(5, 60) == [0, 15, 30, 45, 60]
    assert arrival_offsets(3, 0) == [0, 0, 0]
    assert arrival_offsets(1, 60) == [0.0]
    with pytest.raises(ValueError, match="at least 1"):
        arrival_offsets(0, 10)
    with pytest.raises(ValueError, match="spread"):
        arrival_offsets(3, -1)


def test_edit_delays_jitter_around_every_and_are_seeded():
    delays = edit_delays(50, 5, random.Random(1))
    assert len(delays) == 50 and all(4 <= d <= 6 for d in delays)
    assert len(set(delays)) > 1, "students must not stay in lockstep"
    assert delays == edit_delays(50, 5, random.Random(1))
    assert edit_delays(0, 5, random.Random(1)) == []
    with pytest.raises(ValueError):
        edit_delays(1, 5, random.Random(1), jitter=1.5)


def test_edit_record_is_what_the_data_editor_sends():
    record = json.loads(edit_record("input 1", 2.5))
    assert record == {"edited_rows": {"0": {"input 1": 2.5}}, "added_rows": [], "deleted_rows": []}
    assert json.loads(edit_record("c", 1, row=3))["edited_rows"] == {"3": {"c": 1}}


def test_editor_columns_skip_the_index():
    columns = json.dumps({"input 1": {"label": "input 1"}, "input 2": {}, "_index": {"required": True}})
    assert editor_columns(columns) == ["input 1", "input 2"]
    assert editor_columns("") == []
    with pytest.raises(ValueError, match="not JSON"):
        editor_columns("{oops")


RESPONSE = (b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nset-cookie: _xsrf=abc; Path=/\r\n"
            b"Set-Cookie: BACKPROP_REPLICA=r2; path=/; HttpOnly\r\n\r\n<!doctype html>")


def test_parse_response_head_and_cookie_value():
    status, headers = parse_response_head(RESPONSE)
    assert status == 200 and ("content-type", "text/html") in headers
    assert cookie_value(headers, "BACKPROP_REPLICA") == "r2"
    assert cookie_value(headers, "_xsrf") == "abc"
    assert cookie_value(headers, "missing") is None
    assert parse_response_head(b"HTTP/1.1 503 Service Unavailable\r\n\r\n")[0] == 503
    with pytest.raises(ValueError, match="not an HTTP response"):
        parse_response_head(b"SSH-2.0-OpenSSH\r\n\r\n")


def test_parse_serve_line():
    assert parse_serve_line("serve: replica r1: 127.0.0.1:40001, pid 123, log /tmp/x/r1.log") == {
        "replica": "r1", "port": 40001, "pid": 123}
    assert parse_serve_line("serve: replica r2 restarted: 127.0.0.1:40002, pid 456") == {
        "replica": "r2", "port": 40002, "pid": 456}
    assert parse_serve_line("serve: HAProxy pid 77, stats socket /tmp/s/haproxy.sock") == {
        "haproxy_pid": 77, "stats_socket": "/tmp/s/haproxy.sock"}
    assert parse_serve_line("serve: all 2 replicas healthy; open http://localhost:8501") == {"ready": True}
    assert parse_serve_line("[WARNING] Server replicas/r1 is DOWN") is None


def test_summarize_a_small_class():
    start = 100.0
    outcomes = [
        Outcome("first", 1.0, None, 101.0), Outcome("first", 3.0, None, 103.0),
        Outcome("edit", 0.2, None, 106.0), Outcome("edit", 0.4, None, 108.0),
        Outcome("first", None, "TimeoutError: "),
    ]
    s = summarize(outcomes, start=start)
    assert s["first_p50"] == pytest.approx(2.0) and s["first_p95"] == pytest.approx(2.9)
    assert s["edit_p50"] == pytest.approx(0.3)
    assert s["all_served_s"] == pytest.approx(3.0)
    assert s["reruns_per_s"] == pytest.approx(4 / 8)
    assert (s["first_views"], s["edits"], s["errors"]) == (2, 2, ["TimeoutError: "])
    empty = summarize([], start=start)
    assert empty["first_p50"] is None and empty["all_served_s"] is None and empty["reruns_per_s"] is None


def test_ratio_and_students_per_replica():
    assert ratio(3, 2) == 1.5 and ratio(None, 2) is None and ratio(1, 0) is None
    assert students_per_replica(5, 0.05) == 70  # 5 s × 70 % / 0.05 s
    assert students_per_replica(5, None) is None


def test_parse_args_bounds_the_load():
    args = parse_args(["--students", "10", "--arrivals", "0", "20"])
    assert args.students == 10 and args.arrivals == [0, 20] and args.pages == ["forward-pass", "training"]
    for bad in (["--students", "0"], ["--students", "5000"], ["--arrivals", "-1"], ["--edits", "100"]):
        with pytest.raises(SystemExit):
            parse_args(bad)


# --- a class pressing Play ----------------------------------------------------------------------------------


def test_a_chart_is_known_by_its_key():
    assert chart_key("$$ID-0f3a9c-lab_network") == "lab_network"
    assert chart_key("$$ID-0f3a9c-lab-with-dashes") == "lab-with-dashes"
    assert chart_key("") is None and chart_key("lab_network") is None


def test_play_starts_once_the_player_has_its_frames_and_every_chart_it_drives():
    data = {"frames": 470_015, "charts": ["lab_network", "lab_output", "lab_curves"]}
    assert player_ready(data, ["lab_network", "lab_output", "lab_curves", "lab_norms"])
    assert not player_ready(data, ["lab_network", "lab_output"]), "the curves are not drawn yet"
    assert not player_ready({**data, "frames": None}, data["charts"]), "a rerun after the first sends no frames"


def test_the_players_data_is_read_as_the_page_writes_it():
    """The layout dashboard.lab.session.player_data writes (fields as JSON, then a newline and the frames gzipped),
    built here by hand: the page's writer needs a script run (tests/pages/test_training.py reads what it sends)."""
    import gzip

    fields = {"run": "a1", "epochs": [0, 5], "epoch": 5, "charts": ["lab_network"]}
    head = json.dumps(fields).encode()
    frames = gzip.compress(b'{"epochs":[0,5],"charts":{}}')
    assert player_data(head + b"\n" + frames) == {**fields, "frames": len(frames)}
    assert player_data(head) == {**fields, "frames": None}, "a later run of the page: no frames"


def test_the_players_message_is_what_the_browser_sends():
    """The trigger's widget id is streamlit.components.v2's, and its value the list the browser sends (seen in
    Chromium: [{"event":"epoch","value":495}])."""
    from streamlit.components.v2.bidi_component.main import _make_trigger_id

    component = "$$ID-da831bd13501c104cf408a90725db8f4-lab_player"
    assert trigger_widget(component, "events") == _make_trigger_id(component, "events")
    assert json.loads(trigger_value("epoch", 495)) == [{"event": "epoch", "value": 495}]


def test_a_student_pauses_where_the_player_has_got_to():
    epochs = list(range(0, 501, 5))
    assert paused_epoch(epochs, 0.0) == 0
    assert paused_epoch(epochs, 1.0) == 150, "30 frames a second, 5 epochs a frame"
    assert paused_epoch(epochs, 60.0) == 500, "it stops at the end"
    with pytest.raises(ValueError):
        paused_epoch([], 1.0)
    delays = pause_delays(100, 101, random.Random(1))
    assert all(0.2 * 101 / 30 <= d <= 0.95 * 101 / 30 for d in delays) and len(set(delays)) > 50
    assert delays == pause_delays(100, 101, random.Random(1))


def test_play_is_a_scenario_of_its_own():
    args = parse_args(["--play", "--students", "10"])
    assert args.play and args.targets == ["single", "replicas"], "the reference page has no player"
    assert parse_args(["--play", "--targets", "reference"]).targets == ["replicas"]
