"""Tests of dashboard.practice.problems: the score, and quiz sheets whose keys parse back to the solutions."""


from dashboard.practice import problems


def test_the_score_counts_first_complete_attempts():
    score = problems.Score().record(("a",), "Z1", True, 2)
    assert score.tried == 0  # one of its two answers is in
    score = score.record(("a",), "A1", True, 2).record(("b",), "dW2", True, 1).record(("a",), "Z1", False, 2)
    assert (score.tried, score.right_first_time, score.streak) == (2, 2, 2)
    score = score.record(("c",), "dW2", False, 1).record(("c",), "dW2", True, 1)  # the correction counts not
    assert (score.tried, score.right_first_time, score.streak) == (3, 2, 0)


def test_a_problem_helped_by_a_shown_step_counts_as_solved_with_help_and_leaves_the_streak():
    score = problems.Score().record(("a",), "Z1", True, 1)
    assert (score.right_first_time, score.streak) == (1, 1)
    score = score.helped(("b",), 2).record(("b",), "Z1", True, 1)
    assert (score.tried, score.right_first_time, score.streak, score.with_help, score.steps_shown) == (2, 1, 1, 1, 2)
    score = score.record(("a",), "Z1", False, 1).helped(("a",))  # after it was counted: help changes nothing
    assert (score.tried, score.with_help, score.steps_shown) == (2, 1, 3)


def test_the_score_goes_into_a_link_and_back():
    score = problems.Score().record(("a",), "Z1", True, 1).helped(("b",)).record(("b",), "Z1", False, 2)
    params = score.to_link(("b",))
    assert params == {"score": "1.1.1.0.1", "att": "Z1.w", "aid": "1"}
    back, warnings = problems.Score.from_link(params, ("b",), ["Z1", "A1"])
    assert warnings == [] and back.to_link(("b",)) == params
    assert back.record(("b",), "A1", True, 2).with_help == 1, "the help before the reload still counts"
    for bad in ({"score": "1.2.0.0.0"}, {"score": "x"}, {"score": "1.1.1.0.1", "att": "W9.r"}):
        assert problems.Score.from_link(bad, ("b",), ["Z1", "A1"])[1], bad
