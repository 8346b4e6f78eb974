"""A real PostgreSQL server for the tests, started from the machine's initdb and pg_ctl in a temporary folder.

PostgreSQL refuses to run as root, so as root (CI) the server runs as the machine's ``postgres`` user (runuser).
Without the server's binaries the tests that need it are skipped with a message saying so, except under CI (CI set),
where they fail: .ci/run installs Debian's postgresql when they are missing. Never a mock database.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

SEARCH = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14", "13")]


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    return next((d for d in SEARCH if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start a throwaway PostgreSQL on a free loopback port; yields its SQLAlchemy URL (postgresql+psycopg://…) and
    stops it (and removes its folder) afterwards. RuntimeError with the reason when it cannot start."""
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server binaries (initdb, pg_ctl) are not installed: "
                           "apt-get install -y postgresql")
    folder = Path(tempfile.mkdtemp(prefix="backprop-pg-"))
    data = folder / "data"
    port = _free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    try:
        subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                     "-E", "UTF8", "--no-sync"]), check=True, capture_output=True, env=env, timeout=120)
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-t", "60", "-l",
                                     str(folder / "log"), "-o",
                                     f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                                     "-c max_connections=200", "start"]),
                       check=True, capture_output=True, env=env, timeout=120)
    except subprocess.CalledProcessError as exc:
        log = (folder / "log").read_text(errors="replace") if (folder / "log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        reason = exc.stderr.decode(errors="replace")[-800:] + log[-800:]
        raise RuntimeError(f"PostgreSQL did not start: {reason}") from None
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        time.sleep(0.2)
        shutil.rmtree(folder, ignore_errors=True)
