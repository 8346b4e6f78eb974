"""The server's class-session store (one per process, shared by its sessions) and the address students join at."""
from __future__ import annotations

import io
import os

import segno
import streamlit as st

from dashboard.classroom.store import Store, default_url

#: The public address of the app (e.g. https://class.example.org), for join links and QR codes; without it the
#: address the instructor's browser used.
PUBLIC_URL_ENV = "BACKPROP_PUBLIC_URL"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The Store of BACKPROP_DB_URL (or the embedded SQLite file), opened once per server process."""
    return _store(default_url())


def public_base() -> str:
    """The address students open, without a path: BACKPROP_PUBLIC_URL, else the one this browser used."""
    configured = os.environ.get(PUBLIC_URL_ENV, "").strip().rstrip("/")
    if configured:
        return configured
    url = st.context.url or "http://localhost:8501"
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def join_link(code: str) -> str:
    return f"{public_base()}/class?join={code}"


def qr_png(text: str) -> bytes:
    """A QR code of ``text`` as a PNG, in large modules so that a phone reads it off a projector screen."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=12, border=2)
    return buffer.getvalue()
