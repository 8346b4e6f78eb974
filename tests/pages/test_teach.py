"""AppTest tests of the /teach page: locked behind the instructor key (constant-time compare, wrong keys slow the
next try), and the quiz sheets behind it, no longer on the student's practice page."""
import pytest

from dashboard.classroom import access
from tests.apptest import no_exception, open_page

KEY = "correct-horse-battery"


@pytest.fixture
def instructor_key(monkeypatch, tmp_path):
    monkeypatch.setenv(access.ENV, KEY)
    # Unlocked, /teach opens the class sessions' store: a throwaway one, not data/ in the working tree.
    monkeypatch.setenv("BACKPROP_DB_URL", f"sqlite:///{tmp_path / 'class.sqlite3'}")
    return KEY


def test_the_page_is_locked_until_the_key_is_typed(instructor_key):
    at = open_page("teach")
    no_exception(at)
    assert at.text_input[0].label == "Instructor key"
    assert not at.get("download_button"), "nothing to download while locked"
    at.text_input[0].input(instructor_key)
    at.get("form_submit_button")[0].click().run()
    no_exception(at)
    assert at.session_state[access.UNLOCKED]
    assert "Quiz sheets" in [h.value for h in at.header]


def test_a_wrong_key_is_refused_and_the_next_try_must_wait(instructor_key):
    at = open_page("teach")
    at.text_input[0].input("guess")
    at.get("form_submit_button")[0].click().run()
    assert any("not the instructor key" in e.value for e in at.error)
    assert access.UNLOCKED not in at.session_state or not at.session_state[access.UNLOCKED]
    at.text_input[0].input(instructor_key)  # at once: still locked for a moment, even with the right key
    at.get("form_submit_button")[0].click().run()
    assert any("wait" in e.value for e in at.error)
    assert "Quiz sheets" not in [h.value for h in at.header]


def test_a_server_without_a_configured_key_makes_one(monkeypatch):
    monkeypatch.delenv(access.ENV, raising=False)
    at = open_page("teach")
    no_exception(at)
    made = access.instructor_key()
    assert len(made) >= 16 and access.instructor_key() == made, "made once per server, then the same"


def test_the_practice_page_offers_no_quiz_sheets_or_answer_key():
    at = open_page("practice")
    no_exception(at)
    assert "Quiz sheets for instructors" not in [h.value for h in at.header]
    assert not at.get("download_button")
