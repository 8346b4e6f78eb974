"""deploy/replicas/serve running: two Streamlit replicas behind Debian's HAProxy.

    .venv/bin/python -m pytest tests/e2e/test_replicas.py -q   # skipped without haproxy, unless CI is set

One `serve --replicas 2` for the module, in its own process group (stopped with SIGTERM, then the
group is SIGKILLed, so nothing it started outlives the tests). Sessions speak Streamlit's websocket
protocol through benchmarks/bench_class.py's client (a GET that sets the affinity cookie, then the
websocket with it); two tests drive Chromium through the balancer. The replica-killing tests come last.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import urllib.request
from pathlib import Path

import pytest

from benchmarks._common import parse_metrics
from benchmarks.bench_class import COOKIE, Replicas, cookie_value, first_visit, http_get

from .conftest import VIEWPORT, App, Server, numbers, running, wait_until

pytestmark = pytest.mark.replicas

Z1 = "Z1 = X·W1 + b1"
EXAMPLE = "X=2,3"  # a shared link's example: Z1 = X·W1 + b1 with the assignment's W1 and b1


@pytest.fixture(scope="module")
def cluster():
    with running(Replicas(2, ttl=30)) as replicas:
        yield replicas
    leftovers = [pid for pid in [*replicas.pids.values(), replicas.haproxy_pid] if pid and _alive(pid)]
    assert not leftovers, f"processes left running after serve stopped: {leftovers}"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def run(coroutine):
    """Run a coroutine to its end in a thread of its own: once Playwright's sync API has started, this
    thread already has an event loop, and asyncio.run refuses to nest in it."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def replica_metric(cluster, name: str, metric: str) -> float:
    """A Streamlit metric read from the replica itself, past the balancer."""
    with urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports[name]}/_stcore/metrics", timeout=10) as r:
        return parse_metrics(r.read().decode()).get(metric, 0.0)


def answers(cluster, name: str) -> bool:
    """The replica itself (past the balancer) answers its health check."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{cluster.ports[name]}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


def kill(cluster, name: str) -> int:
    """SIGKILL replica `name`; returns its pid."""
    pid = cluster.pids[name]
    os.kill(pid, signal.SIGKILL)
    return pid


def restarted(cluster, name: str, old_pid: int, timeout: float = 30) -> int:
    """Wait until serve has restarted replica `name`, the new process answers and HAProxy has it UP; its pid."""
    new_pid = wait_until(lambda: cluster.pids.get(name) if cluster.pids.get(name) != old_pid else None, timeout,
                         f"serve did not restart replica {name}:\n{cluster.output()}")
    # HAProxy may not even have marked it down, when the restart was quicker than its checks' `fall`.
    wait_until(lambda: answers(cluster, name) and cluster.statuses().get(name) == "UP",
               timeout, f"replica {name} did not come back UP: {cluster.statuses()}\n{cluster.output()}")
    return new_pid


def test_the_app_answers_through_the_balancer(cluster):
    with urllib.request.urlopen(cluster.base + "/_stcore/health", timeout=10) as r:
        assert r.read().strip() == b"ok"
    status, headers, body = run(http_get(cluster.base, "/forward-pass"))
    assert status == 200 and b"<!doctype html>" in body.lower()
    cookies = {v.split(";")[0] for h, v in headers if h == "set-cookie" and v.startswith(COOKIE)}
    assert cookies & {f"{COOKIE}=r1", f"{COOKIE}=r2"}, headers
    # New visitors are spread over both replicas.
    seen = {run(first_visit_cookie(cluster.base)) for _ in range(6)}
    assert seen == {"r1", "r2"}, seen


async def first_visit_cookie(base: str) -> str:
    _, headers, _ = await http_get(base, "/")
    return cookie_value(headers, COOKIE)


def test_sessions_with_different_cookies_live_on_different_replicas(cluster):
    """The cookie names the replica: each session runs in that process, and its download files are there only."""
    async def two_sessions():
        before = {name: replica_metric(cluster, name, "active_sessions") for name in ("r1", "r2")}
        opened = {}
        # Different numbers, so different files: downloads are named by their content.
        for name, example in (("r1", "X=2,3"), ("r2", "X=5,7")):
            session, cookie, error = await first_visit(cluster.base, "forward-pass", example, cookie=name)
            assert error is None and cookie == name
            opened[name] = session
        after = {name: replica_metric(cluster, name, "active_sessions") for name in ("r1", "r2")}
        media = {name: session.media[0] for name, session in opened.items()}
        for session in opened.values():
            await session.ws.close()
        return before, after, media

    before, after, media = run(two_sessions())
    assert {name: after[name] - before[name] for name in after} == {"r1": 1, "r2": 1}
    for owner, other in (("r1", "r2"), ("r2", "r1")):
        url = media[owner]
        assert url.startswith("/media/"), url
        assert run(http_get(cluster.base, url, cookie=owner))[0] == 200  # through the balancer, pinned
        assert run(http_get(f"http://127.0.0.1:{cluster.ports[owner]}", url))[0] == 200
        assert run(http_get(f"http://127.0.0.1:{cluster.ports[other]}", url))[0] == 404  # not in the other process


@pytest.fixture(scope="module")
def tab(browser, cluster):
    """A Chromium tab on /forward-pass?X=2,3 through the balancer."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    context.set_default_timeout(30_000)
    app = App(Server(cluster.base, cluster.proc, Path(os.devnull)), context)
    page = context.new_page()
    app.goto(page, f"forward-pass?{EXAMPLE}", charts=2)
    yield app, page
    context.close()


def replica_of(page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == COOKIE)


def test_a_download_reaches_the_replica_of_its_session_in_chromium(tab):
    app, page = tab
    assert replica_of(page) in {"r1", "r2"}
    button = page.get_by_role("button", name="Numbers (CSV)")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=30_000) as download:
        button.click()
    text = Path(download.value.path()).read_text()
    assert download.value.suggested_filename == "forward_pass.csv"
    assert "Z1" in text and "2" in text, text[:300]


def test_a_student_on_a_dead_replica_reconnects_to_a_live_one_with_the_same_numbers(tab, cluster):
    app, page = tab
    expected = numbers(app.heatmap(page, Z1))
    victim = replica_of(page)
    old_pid = kill(cluster, victim)
    # Streamlit's frontend reconnects by itself; its new session runs the page from the URL's example.
    wait_until(lambda: replica_of(page) != victim, 45, f"the tab did not move off the dead replica {victim}")
    app.settle(page, timeout_s=45)
    app.wait_charts(page, 2)
    assert numbers(app.heatmap(page, Z1)) == pytest.approx(expected, abs=5e-4)
    assert app.exceptions(page) == []
    restarted(cluster, victim, old_pid)


def test_killing_a_replica_leaves_new_sessions_working_and_serve_restarts_it(cluster):
    victim = "r1"
    old_pid = kill(cluster, victim)

    async def arrivals():
        # At once, before any health check can have noticed: new visitors, and students whose cookie
        # names the dead replica.
        visits = [first_visit(cluster.base, "forward-pass", EXAMPLE) for _ in range(4)]
        visits += [first_visit(cluster.base, "forward-pass", EXAMPLE, cookie=victim) for _ in range(2)]
        results = await asyncio.gather(*visits, return_exceptions=True)
        for result in results:
            if not isinstance(result, BaseException) and result[0] is not None:
                await result[0].ws.close()
        return results

    results = run(arrivals())
    problems = [r if isinstance(r, BaseException) else r[2] for r in results
                if isinstance(r, BaseException) or r[2] is not None]
    assert problems == [], problems
    assert {r[1] for r in results} == {"r2"}, "every session went to the live replica"
    new_pid = restarted(cluster, victim, old_pid)
    assert new_pid != old_pid and _alive(new_pid)

    async def visit_the_restarted_replica():
        before = replica_metric(cluster, victim, "active_sessions")
        session, cookie, error = await first_visit(cluster.base, "forward-pass", EXAMPLE, cookie=victim)
        during = replica_metric(cluster, victim, "active_sessions")
        await session.ws.close()
        return cookie, error, during - before

    assert run(visit_the_restarted_replica()) == (victim, None, 1)
