"""The instructor key that unlocks /teach.

The key comes from the environment variable BACKPROP_INSTRUCTOR_KEY, or from ``instructor_key`` in
.streamlit/secrets.toml. When neither is set, the server makes a random key when the app is first loaded and prints
it in its log with the /teach link, as Jupyter prints its token, so that the README's first command works for an
instructor with no configuration. Keys are compared in constant time (hmac.compare_digest); wrong keys lock the
form for a while that doubles with each, and many wrong keys on one server lock it for everyone for a minute.
"""
from __future__ import annotations

import hmac
import os
import secrets
import sys
import threading
import time
from collections import deque

import streamlit as st

ENV = "BACKPROP_INSTRUCTOR_KEY"
SECRET = "instructor_key"
UNLOCKED = "teach_unlocked"
_FAILURES, _LOCKED_UNTIL = "_teach_failures", "_teach_locked_until"
#: Wrong keys allowed per minute on one server (every session together) before the form locks for everyone.
SERVER_LIMIT = 20
#: A session's first wrong key locks the form for this many seconds, doubling with each further one (at most 60).
FIRST_LOCK = 1.0


def _configured() -> str | None:
    if os.environ.get(ENV):
        return os.environ[ENV]
    try:
        value = st.secrets.get(SECRET)
    except Exception:  # no secrets.toml, or one that does not parse: treated as not configured
        value = None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _generated() -> str:
    """A key made once per server process, printed to its log with where to type it."""
    key = secrets.token_urlsafe(12)
    port = st.get_option("server.port") or 8501
    print(f"\n  Instructor key: {key}\n  Open http://localhost:{port}/teach and type it "
          f"(set {ENV} or {SECRET} in .streamlit/secrets.toml to choose your own).\n", file=sys.stderr, flush=True)
    return key


def instructor_key() -> str:
    """The key /teach asks for (see the module's docstring)."""
    return _configured() or _generated()


def announce() -> None:
    """Make sure a server without a configured key has made (and logged) its own: called by every page, so that the
    key is in the log after the first visit."""
    if _configured() is None:
        _generated()


@st.cache_resource(show_spinner=False)
def _server_failures() -> tuple[deque, threading.Lock]:
    return deque(maxlen=SERVER_LIMIT), threading.Lock()


def wait_seconds(now: float | None = None) -> float:
    """How long this session must wait before trying a key again (0: it may try now)."""
    now = time.monotonic() if now is None else now
    mine = st.session_state.get(_LOCKED_UNTIL, 0.0) - now
    failures, lock = _server_failures()
    with lock:
        crowded = len(failures) == SERVER_LIMIT and now - failures[0] < 60
        server = 60 - (now - failures[0]) if crowded else 0.0
    return max(mine, server, 0.0)


def try_key(typed: str) -> bool:
    """Check a typed key (constant time); a right one unlocks /teach for this session, a wrong one locks the form
    for a while. Returns whether it was right; refuses (False) while locked."""
    if wait_seconds() > 0:
        return False
    if hmac.compare_digest(typed.strip().encode(), instructor_key().encode()):
        st.session_state[UNLOCKED] = True
        st.session_state[_FAILURES] = 0
        return True
    count = st.session_state.get(_FAILURES, 0) + 1
    st.session_state[_FAILURES] = count
    now = time.monotonic()
    st.session_state[_LOCKED_UNTIL] = now + min(FIRST_LOCK * 2 ** (count - 1), 60.0)
    failures, lock = _server_failures()
    with lock:
        failures.append(now)
    return False


def unlocked() -> bool:
    return bool(st.session_state.get(UNLOCKED))


def lock() -> None:
    st.session_state[UNLOCKED] = False
