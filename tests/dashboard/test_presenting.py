"""Tests of dashboard.presenting: presenter mode's place in an address, the lecture's order, and what fits a
projector."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard import presenting, steps
from dashboard.presenting import Projector, next_in_lecture, params_from_place, place_from_params


@given(step=st.integers(1, 40), part=st.integers(1, 5), size=st.sampled_from(presenting.TEXT_SIZES),
       theme=st.sampled_from(list(presenting.THEMES)))
def test_a_place_written_into_an_address_reads_back(step, part, size, theme):
    place = place_from_params(params_from_place(True, step, part, size=size, theme=theme))
    assert (place.present, place.step, place.part or 1, place.size or 100, place.theme or "light") == (
        True, step, part, size, theme)
    assert place.warnings == ()


def test_the_address_holds_only_what_differs_from_the_defaults():
    assert params_from_place(False, 3, 2, size=150, theme="dark") == {}
    assert params_from_place(True, 3) == {"present": "1", "step": "3"}
    assert params_from_place(True, 3, 1) == {"present": "1", "step": "3"}
    assert params_from_place(True, 3, 2, size=125) == {"present": "1", "step": "3", "part": "2", "textsize": "125"}


@pytest.mark.parametrize("params, name", [({"present": "yes"}, "present"), ({"step": "0"}, "step"),
                                          ({"step": "-2"}, "step"), ({"step": "<script>"}, "step"),
                                          ({"part": "1.5"}, "part"), ({"textsize": "130"}, "textsize"),
                                          ({"theme": "neon"}, "theme")])
def test_a_bad_parameter_is_ignored_by_name_and_never_quoted(params, name):
    place = place_from_params(params)
    assert place == presenting.Place(warnings=place.warnings)
    assert len(place.warnings) == 1 and f"link's {name}" in place.warnings[0]
    assert all(str(value) not in place.warnings[0] for value in params.values() if len(str(value)) > 1)


def test_present_0_switches_presenter_mode_off():
    assert place_from_params({"present": "0"}).present is False
    assert place_from_params({}).present is None


def test_the_lecture_runs_through_the_pages_in_order_and_stops_at_the_end():
    order = [presenting.LECTURE[0]]
    while (following := next_in_lecture(order[-1])) is not None:
        order.append(following)
    assert tuple(order) == presenting.LECTURE
    assert next_in_lecture("teach") is None, "the instructor's page is not projected"


@pytest.mark.parametrize("size", presenting.TEXT_SIZES)
def test_math_is_at_least_28_px_at_every_level_and_fewer_characters_fit_as_it_grows(size):
    screen = Projector(size)
    assert all(screen.math_px(level) >= 28 for level in range(len(presenting.MATH_EM)))
    assert screen.chars(0) > screen.chars(1) > screen.chars(2) > 10
    line = r"X = \begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}"
    assert screen.height(steps.height_px(line), 0) < screen.height(steps.height_px(line), 2)


def test_a_larger_text_size_leaves_less_room_and_fewer_characters():
    small, large = Projector(100), Projector(150)
    assert large.room() < small.room() and large.chars(0) < small.chars(0)
    assert small.room("a remark") < small.room() and small.note_px("x" * 300) > small.note_px("x")


def test_the_level_is_the_largest_that_fits():
    screen = Projector()
    short = ["x = 1"]
    assert screen.level(short, room=500) == 2
    assert screen.level(short, room=screen.lines_height(short, 1)) == 1, "too low for the largest"
    wide = ["x" * (screen.chars(1) + 1)]
    assert screen.level(wide, room=1000) == 0, "too wide for the larger sizes"
