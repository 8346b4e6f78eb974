"""Tests of the pure helpers of benchmarks/bench_classroom.py (a class answers, the instructor watches)."""
import json

import numpy as np
import pytest
from streamlit.proto.Element_pb2 import Element

from backprop.practice import ASSIGNMENT_SIZE, make_problem
from benchmarks.bench_classroom import (
    El,
    answer_grids,
    element,
    find,
    integrity,
    latencies,
    metric,
    mistake_for,
    parse_answer,
    parse_args,
    parse_proc_stat_busy,
    postmaster_pid,
    shown_times,
    stored_attempt,
    summary,
    targets_met,
    typed_answer,
    typing_records,
)
from dashboard.classroom import answers
from dashboard.parsing import parse_number


def test_element_keeps_what_the_client_needs_of_each_kind():
    e = Element()
    e.button.id, e.button.label, e.button.is_form_submitter = "$$ID-1-FormSubmitter:class_join-Join", "Join", True
    assert element(e) == El("button", "$$ID-1-FormSubmitter:class_join-Join", "Join", "", True)
    e = Element()
    e.metric.label, e.metric.body = "Answered", "17"
    assert element(e) == El("metric", label="Answered", body="17")
    e = Element()
    e.dataframe.id, e.dataframe.editing_mode = "$$ID-2-answer_editor_class_4_Z1_1", 1
    e.dataframe.columns = json.dumps({"hidden unit 1": {}, "hidden unit 2": {}, "_index": {"required": True}})
    assert element(e).columns == ("hidden unit 1", "hidden unit 2")
    e.dataframe.editing_mode = 0  # a read-only table has no columns to type into
    assert element(e).columns == ()
    e = Element()
    e.heading.body = "Your answer (attempt 2, stored)"
    assert element(e) == El("heading", body="Your answer (attempt 2, stored)")
    e = Element()
    e.exception.message = "boom"
    assert element(e) == El("exception", body="boom")


PAGE = [El("heading", body="Question 1: The forward pass: Z1 and A1"),
        El("dataframe", "$$ID-a-answer_editor_class_7_Z1_1", columns=("hidden unit 1", "hidden unit 2")),
        El("dataframe", "$$ID-b-answer_editor_class_7_A1_1", columns=("hidden unit 1", "hidden unit 2")),
        El("dataframe", "$$ID-c-None"),
        El("button", "$$ID-d-class_submit_7", "Submit"),
        El("heading", body="Your answer (attempt 1, stored)"),
        El("metric", label="Answered", body="12"), El("metric", label="Right", body="—")]


def test_find_metric_stored_attempt_and_answer_grids_read_a_page():
    assert find(PAGE, "button", "Submit").id.endswith("class_submit_7")
    assert find(PAGE, "button", id_suffix="class_submit_7") is find(PAGE, "button", "Submit")
    assert find(PAGE, "button", "Join") is None
    assert metric(PAGE, "Answered") == 12 and metric(PAGE, "Right") is None and metric(PAGE, "Joined") is None
    assert stored_attempt(PAGE) == 1 and stored_attempt(PAGE[:5]) is None
    assert stored_attempt([El("heading", body="Your answer")]) is None
    assert {k: v.id for k, v in answer_grids(PAGE).items()} == {"Z1": PAGE[1].id, "A1": PAGE[2].id}


def test_typing_records_grow_a_cell_at_a_time():
    records = [json.loads(r) for r in typing_records(["c1", "c2"], ["2.8", "-0.6"])]
    assert records == [{"edited_rows": {"0": {"c1": "2.8"}}, "added_rows": [], "deleted_rows": []},
                       {"edited_rows": {"0": {"c1": "2.8", "c2": "-0.6"}}, "added_rows": [], "deleted_rows": []}]
    with pytest.raises(ValueError, match="2 values for 1 columns"):
        typing_records(["c1"], ["1", "2"])


def test_mistake_for_gives_every_run_the_same_mix():
    mix = [mistake_for(i, 200) for i in range(200)]
    assert mix.count("z1_elementwise") == 40 and mix.count("z1_missing_bias") == 20 and mix.count(None) == 140
    assert [mistake_for(i, 3) for i in range(3)] == ["z1_elementwise", None, None]  # 0.6 rounds to 1, 0.3 to 0


@pytest.mark.parametrize("mistake", [None, "z1_elementwise", "z1_missing_bias"])
def test_typed_answers_are_marked_as_meant_by_the_apps_own_rule(mistake):
    problem = make_problem(answers.DEFAULT_KIND, ASSIGNMENT_SIZE, answers.DEFAULT_SEED)
    typed = typed_answer(mistake)
    values = {k: np.array([[parse_number(v).value for v in row] for row in rows]) for k, rows in typed.items()}
    digits = {k: np.array([[parse_number(v).digits for v in row] for row in rows]) for k, rows in typed.items()}
    marked = answers.mark(problem, values, digits)
    assert marked.correct == (mistake is None)
    assert marked.misconception == (mistake or "")
    assert parse_answer(typed) == {k: v.tolist() for k, v in values.items()}


def test_shown_times_match_the_kth_answer_to_the_first_count_of_k():
    observations = [(10.0, 0), (12.0, 2), (14.0, 2), (16.0, 4)]
    assert shown_times(observations, [7, 3, 9, 5]) == {7: 12.0, 3: 12.0, 9: 16.0, 5: 16.0}
    assert shown_times(observations[:3], [7, 3, 9]) == {7: 12.0, 3: 12.0}, "the third never shown"
    assert shown_times(list(reversed(observations)), [7]) == {7: 12.0}, "observations are taken in time order"
    assert shown_times([], [1]) == {}


def test_integrity_counts_lost_twice_and_unacknowledged():
    right, other = {"Z1": [[2.8, -0.6]]}, {"Z1": [[1.8, 1.5]]}
    assert integrity({1: right, 2: right}, [(1, right), (2, right)], {1: 1, 2: 1}) == {
        "lost": [], "twice": 0, "unacknowledged": []}
    checks = integrity({1: right, 2: right, 3: right}, [(1, right), (1, right), (2, other), (4, right)],
                       {1: 1, 2: 1, 3: 1, 4: 1})
    assert checks == {"lost": [2, 3], "twice": 1, "unacknowledged": [4]}
    assert integrity({1: other}, [(1, right), (1, other)], {1: 2})["twice"] == 0, "two different answers, two rows"


def test_latencies_and_summary():
    assert sorted(latencies({1: 10.0, 2: 11.0, 3: 12.0}, {1: 10.5, 2: 13.0})) == [0.5, 2.0]
    p50, p95, top = summary([1.0, 2.0, 3.0, 4.0])
    assert (p50, p95, top) == (pytest.approx(2.5), pytest.approx(3.85), 4.0)
    assert summary([]) == (None, None, None)


def test_targets_met_states_issue_21s_done_when():
    good = {"stored_students": 200, "acknowledged": 200, "shown_last": 200, "lost": 0, "twice": 0,
            "to_view": (0.9, 1.8, 2.4)}
    assert all(targets_met(good, 200).values())
    assert targets_met({**good, "to_view": (1.2, 2.3, 3.0)}, 200)["view p95 within 2 s"] is False
    assert targets_met({**good, "shown_last": 199}, 200)["all counted exactly"] is False
    assert targets_met({**good, "twice": 1}, 200)["none twice"] is False


def test_postmaster_pid_finds_the_server_on_its_port(tmp_path):
    def process(pid, *argv):
        (tmp_path / str(pid)).mkdir()
        (tmp_path / str(pid) / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")

    process(100, "/usr/lib/postgresql/15/bin/postgres", "-D", "/tmp/a", "-p", "5433", "-k", "/tmp/a")
    process(101, "postgres: postgres postgres 127.0.0.1(5000) idle")  # a backend: no -p
    process(102, "/usr/lib/postgresql/15/bin/postgres", "-D", "/tmp/b", "-p", "6000")
    process(103, "python", "-p", "5433")
    (tmp_path / "self").mkdir()
    assert postmaster_pid(5433, tmp_path) == 100 and postmaster_pid(6000, tmp_path) == 102
    assert postmaster_pid(7000, tmp_path) is None


def test_parse_args_bounds_the_load():
    args = parse_args([])
    assert (args.students, args.answer_spread, args.targets) == (200, 10, ["sqlite", "postgres"])
    for bad in (["--students", "0"], ["--students", "501"], ["--typing", "-1"], ["--targets", "mysql"]):
        with pytest.raises(SystemExit):
            parse_args(bad)


def test_parse_proc_stat_busy_counts_all_but_idle_and_iowait():
    stat = "cpu  1000 10 200 5000 30 5 7 40 0 0\ncpu0 500 5 100 2500 15 2 3 20 0 0\nintr 1 2 3\n"
    assert parse_proc_stat_busy(stat) == pytest.approx((1000 + 10 + 200 + 5 + 7 + 40) / 100)
    assert parse_proc_stat_busy(stat, clock_ticks=1000) == pytest.approx(1.262)
    with pytest.raises(ValueError, match="not /proc/stat"):
        parse_proc_stat_busy("intr 1 2 3\n")
