"""Fixtures for the real-browser tests: one `streamlit run` server and one headless Chromium (driven by
Playwright's plain sync API) shared by the whole session.

The browser is Debian's chromium (`apt-get install -y chromium`), found at $CHROMIUM or /usr/bin/chromium;
nothing is downloaded (never `playwright install`). Without a browser the tests are skipped, except under
CI (env CI set to anything non-empty), where they fail instead.

The very first page request the server receives is a deep link with query parameters: the `app` fixture
makes it before any test can, and stores what it saw for `test_first_request_is_a_deep_link`.

The server runs with a known instructor key (INSTRUCTOR_KEY) and class sessions in a throwaway SQLite file
(`server.db_url`), so that the class tests can unlock /teach and read the database, and no test writes to data/.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Streamlit scrolls inside its own container, so a full-page screenshot only holds the viewport: make it tall.
VIEWPORT = {"width": 1400, "height": 3600}
INSTALL_HINT = ("install Debian's chromium with `apt-get install -y chromium` (or point $CHROMIUM at a "
                "Chromium binary); never `playwright install`")

#: The key /teach asks for on the test server (without it the server would make one up and only log it).
INSTRUCTOR_KEY = "e2e-instructor-key"

#: The first request after the server starts: a shared link with query parameters.
FIRST_PATH = "forward-pass?X=1,1"

APP = "[data-testid='stApp']"
SIDEBAR_LINKS = "[data-testid='stSidebar'] [data-testid='stPageLink-NavLink']"
EXCEPTION = "[data-testid='stException']"

# The cell labels of the heatmap whose title is `title` (None while Plotly has not drawn it).
_HEATMAP_JS = """(title) => {
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    const t = plot.querySelector('.gtitle');
    if (t && t.textContent.trim() === title) {
      const labels = Array.from(plot.querySelectorAll('.hm text')).map(x => x.textContent.trim());
      return labels.length ? labels : null;
    }
  }
  return null;
}"""


def _no_browser(reason: str) -> None:
    message = f"end-to-end tests need a browser: {reason}; {INSTALL_HINT}"
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser tests may not be skipped. {message}", pytrace=False)
    pytest.skip(message)


def wait_until(check, timeout_s: float, what: str, interval_s: float = 0.25):
    """Poll ``check`` until it returns something true; its last value, or AssertionError naming ``what``."""
    deadline = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval_s)
    raise AssertionError(f"{what}: not seen within {timeout_s:g} s (last: {value!r})")


def download(page, button, *, tries: int = 3, timeout_s: float = 15):
    """Click ``button`` until its file arrives, as a person clicks again: a download made when clicked (Streamlit's
    deferred callable) is sometimes never delivered when the click meets a rerun of the page (seen in CI on the
    lab and on /teach). Returns Playwright's Download; fails after ``tries`` clicks."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(tries):
        try:
            with page.expect_download(timeout=timeout_s * 1000) as info:
                button.click()
            return info.value
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"no file after {tries} clicks of {button}")


def need_haproxy() -> None:
    """Skip the calling test without Debian's HAProxy (the replica tests need it), or fail under CI."""
    if shutil.which("haproxy") or os.access("/usr/sbin/haproxy", os.X_OK):
        return
    message = ("the replica tests need HAProxy: no haproxy on PATH or in /usr/sbin; install it with "
               "`apt-get install -y haproxy`")
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the replica tests may not be skipped. {message}", pytrace=False)
    pytest.skip(message)


@contextlib.contextmanager
def running(replicas):
    """``replicas`` (benchmarks.bench_class.Replicas: serve behind HAProxy) started for the block, the test failed
    with serve's own message if they do not come up, and stopped afterwards."""
    need_haproxy()
    try:
        try:
            replicas.start(timeout=90)
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield replicas
    finally:
        replicas.stop()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def numbers(labels: list[str]) -> list[float]:
    """['1.6', '−0.27'] → [1.6, -0.27] (Plotly and the app may print a Unicode minus)."""
    out = []
    for label in labels:
        text = label.replace("\u2212", "-").replace("\u2013", "-").replace(",", "")
        out.extend(float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text))
    return out


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    log: Path
    db_url: str = ""  # the class sessions' database (BACKPROP_DB_URL of every process behind base)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@dataclass
class App:
    """The served app and the shared browser context, with helpers to drive and read pages."""

    server: Server
    context: Any  # playwright BrowserContext
    first_visit: dict = field(default_factory=dict)
    dialogs: dict = field(default_factory=dict)  # page → messages of the dialogs it opened

    @property
    def base(self) -> str:
        return self.server.base

    def new_page(self):
        """A new tab in the shared context; every dialog it opens is recorded and dismissed."""
        page = self.context.new_page()
        seen: list[str] = []
        self.dialogs[page] = seen
        page.on("dialog", lambda d: (seen.append(d.message), d.dismiss()))
        return page

    def goto(self, page, path: str, *, charts: int = 0, timeout_s: float = 60) -> None:
        page.goto(f"{self.base}/{path}", wait_until="domcontentloaded", timeout=timeout_s * 1000)
        self.settle(page, timeout_s=timeout_s)
        self.wait_charts(page, charts, timeout_s=timeout_s)

    def settle(self, page, *, timeout_s: float = 45, quiet_polls: int = 3) -> None:
        """Wait as Streamlit's own e2e suite does: connected, script not running for a few polls, no skeleton."""
        page.locator(f"{APP}[data-test-connection-state='CONNECTED']").wait_for(
            state="attached", timeout=timeout_s * 1000)
        deadline = time.monotonic() + timeout_s
        quiet = 0
        while time.monotonic() < deadline:
            idle = page.locator(f"{APP}[data-test-script-state='notRunning']").count()
            skeleton = page.locator("[data-testid='stSkeleton']").count()
            quiet = quiet + 1 if (idle and not skeleton) else 0
            if quiet >= quiet_polls:
                return
            time.sleep(0.2)
        state = page.evaluate(
            "() => { const a = document.querySelector(\"[data-testid='stApp']\");"
            " return a && [a.dataset.testConnectionState, a.dataset.testScriptState]; }")
        raise AssertionError(f"{page.url} did not settle within {timeout_s} s (stApp state {state}); "
                             f"server log:\n{self.server.log_tail()}")

    def wait_charts(self, page, count: int, *, timeout_s: float = 30) -> None:
        """Plotly draws after the script has finished: wait until `count` charts are drawn."""
        if count <= 0:
            return
        try:
            page.wait_for_function("(n) => document.querySelectorAll('.js-plotly-plot').length >= n", arg=count,
                                   timeout=timeout_s * 1000)
        except Exception as exc:  # a clearer message than Playwright's timeout
            drawn = page.locator(".js-plotly-plot").count()
            raise AssertionError(f"{page.url}: expected at least {count} Plotly charts, {drawn} drawn") from exc

    def heatmap(self, page, title: str, *, timeout_s: float = 15) -> list[str]:
        """The cell labels of the heatmap titled `title`, once Plotly has drawn them."""
        try:
            handle = page.wait_for_function(_HEATMAP_JS, arg=title, timeout=timeout_s * 1000)
        except Exception as exc:
            titles = page.locator(".js-plotly-plot .gtitle").all_text_contents()
            raise AssertionError(f"no heatmap titled {title!r} on {page.url}; titles: {titles}") from exc
        return handle.json_value()

    def heatmap_now(self, page, title: str) -> list[str] | None:
        return page.evaluate(_HEATMAP_JS, title)

    def exceptions(self, page) -> list[str]:
        return page.locator(EXCEPTION).all_inner_texts()

    def screenshot(self, page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium through Playwright's sync API (no pytest-playwright plugin)."""
    executable = os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(executable) and os.access(executable, os.X_OK)):
        _no_browser(f"no Chromium executable at {executable}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("the playwright Python package is not installed (pip install -r requirements-dev.txt)")
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
    except Exception:
        pw.stop()
        raise
    yield chromium
    chromium.close()
    pw.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[Server]:
    """`streamlit run app.py` on a free loopback port, healthy before any test runs."""
    port = _free_port()
    folder = tmp_path_factory.mktemp("streamlit")
    log = folder / "server.log"
    db_url = f"sqlite:///{folder / 'classroom.sqlite3'}"
    # Only /teach and /class use these; other pages merely skip making and logging a key of their own.
    env = {**os.environ, "BACKPROP_INSTRUCTOR_KEY": INSTRUCTOR_KEY, "BACKPROP_DB_URL": db_url}
    env.pop("BACKPROP_PUBLIC_URL", None)  # join links must point at this server
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless=true",
           f"--server.port={port}", "--server.address=127.0.0.1", "--server.fileWatcherType=none",
           "--browser.gatherUsageStats=false"]
    with open(log, "w") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    srv = Server(f"http://127.0.0.1:{port}", proc, log, db_url)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}:\n{srv.log_tail()}", pytrace=False)
            with contextlib.suppress(OSError), urllib.request.urlopen(srv.base + "/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    break
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit was not healthy within 60 s:\n{srv.log_tail()}", pytrace=False)
            time.sleep(0.2)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def _first_visit(app: App) -> dict:
    """Open FIRST_PATH as the server's first page request and record what it showed."""
    page = app.new_page()
    facts: dict = {"path": FIRST_PATH}
    try:
        app.goto(page, FIRST_PATH, charts=2)
        facts["z1"] = app.heatmap(page, "Z1 = X·W1 + b1")
        facts["h1"] = page.locator("h1").all_inner_texts()
        facts["links"] = page.locator(SIDEBAR_LINKS).evaluate_all("es => es.map(e => e.getAttribute('href'))")
        facts["text"] = page.inner_text("body")
        facts["exceptions"] = app.exceptions(page)
        facts["katex"] = page.locator(".katex").count()
        facts["url"] = page.url
        app.screenshot(page, "00-first-request-forward-pass-deep-link")
    except Exception as exc:
        facts["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        facts["dialogs"] = list(app.dialogs.pop(page, []))
        page.close()
    return facts


@pytest.fixture(scope="session")
def app(browser, server) -> Iterator[App]:
    """The server, a shared browser context with a tall viewport, and the record of the first request."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(30_000)
    shared = App(server, context)
    shared.first_visit = _first_visit(shared)
    yield shared
    context.close()


@pytest.fixture
def page(app) -> Iterator[Any]:
    """A fresh tab (a new Streamlit session) for one test."""
    tab = app.new_page()
    yield tab
    app.dialogs.pop(tab, None)
    tab.close()
