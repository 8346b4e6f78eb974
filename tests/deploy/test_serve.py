"""Tests of deploy/replicas/serve, without starting anything.

Its pure helpers, the HAProxy configuration it writes (checked by HAProxy itself where it is installed), and what it
says when the balancer is missing.

The running replicas are tested in tests/e2e/test_replicas.py."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_class import _serve_module

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "deploy" / "replicas" / "serve"


serve = _serve_module()


def haproxy_binary() -> str:
    """Debian's haproxy, or a skip (a failure under CI, which installs it)."""
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if not found:
        message = "HAProxy is not installed (apt-get install -y haproxy)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set, so the balancer tests may not be skipped: {message}", pytrace=False)
        pytest.skip(message)
    return found


def test_is_an_executable_stdlib_only_python3_script():
    text = SERVE.read_text()
    assert text.startswith("#!/usr/bin/env python3\n")
    assert os.access(SERVE, os.X_OK)
    imported = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names), imported - set(sys.stdlib_module_names)


def test_help_runs_with_the_system_python3():
    """No venv needed to read how to use it (streamlit itself comes from the interpreter that runs it)."""
    python3 = shutil.which("python3", path="/usr/bin:/bin") or sys.executable
    result = subprocess.run([python3, str(SERVE), "--help"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "--replicas" in result.stdout and "--port" in result.stdout


def test_replica_names_and_defaults():
    assert serve.replica_names(3) == ["r1", "r2", "r3"]
    with pytest.raises(ValueError, match="at least 1"):
        serve.replica_names(0)
    assert serve.default_replicas() >= 1
    assert serve.parse_args([]).replicas == serve.default_replicas()


def test_parse_args_passes_options_after_the_double_dash_to_streamlit():
    args = serve.parse_args(["--replicas", "2", "--port", "9000", "--", "--server.disconnectedSessionTTL=5"])
    assert (args.replicas, args.port, args.extra) == (2, 9000, ["--server.disconnectedSessionTTL=5"])
    with pytest.raises(SystemExit):
        serve.parse_args(["--replicas", "0"])
    with pytest.raises(SystemExit):
        serve.parse_args(["--port", "70000"])


def test_streamlit_command_uses_the_given_interpreter_on_loopback():
    cmd = serve.streamlit_command("/venv/bin/python", 40001, ["--server.disconnectedSessionTTL=5"])
    assert cmd[:5] == ["/venv/bin/python", "-m", "streamlit", "run", "app.py"]
    assert "--server.port=40001" in cmd and "--server.address=127.0.0.1" in cmd
    assert cmd[-1] == "--server.disconnectedSessionTTL=5"  # last, so that it wins


def config(**overrides) -> str:
    kwargs = {"address": "127.0.0.1", "port": 8501, "replicas": {"r1": 40001, "r2": 40002},
              "stats_socket": "/tmp/x/haproxy.sock"} | overrides
    return serve.haproxy_config(**kwargs)


def test_haproxy_config_pins_sessions_with_a_cookie_naming_the_replica():
    text = config()
    assert "cookie BACKPROP_REPLICA insert indirect nocache httponly" in text
    assert "server r1 127.0.0.1:40001 cookie r1" in text and "server r2 127.0.0.1:40002 cookie r2" in text
    assert "bind 127.0.0.1:8501" in text


def test_haproxy_config_tolerates_a_busy_replica_and_routes_around_a_dead_one():
    text = config()
    assert "option httpchk GET /_stcore/health" in text and "http-check expect string ok" in text
    assert "timeout check 5s" in text and "fall 3" in text  # seconds per check, several failures
    assert "option redispatch" in text and "retries 3" in text
    assert "observe layer4" in text and "on-error mark-down" in text
    assert "timeout tunnel 2h" in text  # websockets


def test_haproxy_config_rejects_what_cannot_work():
    with pytest.raises(ValueError, match="no replicas"):
        config(replicas={})
    with pytest.raises(ValueError, match="r1: port 0"):
        config(replicas={"r1": 0})
    assert "bind [::]:8501" in config(address="::")


def test_haproxy_accepts_the_config(tmp_path):
    path = tmp_path / "haproxy.cfg"
    path.write_text(config(stats_socket=str(tmp_path / "haproxy.sock")))
    result = subprocess.run([haproxy_binary(), "-c", "-f", str(path)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


STAT = """# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight
class,FRONTEND,,,0,1,4096,3,0,0,0,0,0,,,,,OPEN,
replicas,r1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1
replicas,r2,0,0,0,1,,1,0,0,,0,,1,0,0,0,DOWN,1
replicas,r3,0,0,0,1,,1,0,0,,0,,1,0,0,0,UP 1/2,1
replicas,BACKEND,0,0,0,1,410,3,0,0,0,0,,1,0,0,0,UP,2
"""


def test_parse_show_stat_and_all_up():
    statuses = serve.parse_show_stat(STAT)
    assert statuses == {"r1": "UP", "r2": "DOWN", "r3": "UP 1/2"}
    assert serve.all_up(statuses, ["r1"]) and not serve.all_up(statuses, ["r1", "r2"])
    assert not serve.all_up(statuses, ["r3"])  # still rising
    assert not serve.all_up({}, ["r1"])


def test_restart_delay_backs_off_and_stays_bounded():
    delays = [serve.restart_delay(n) for n in range(10)]
    assert delays == sorted(delays) and delays[0] <= 1 and delays[-1] <= 30


def test_missing_balancer_says_what_to_install(tmp_path):
    result = subprocess.run([sys.executable, str(SERVE), "--haproxy", str(tmp_path / "no-haproxy"), "--replicas", "1"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "apt-get install -y haproxy" in result.stderr


def test_cpu_for_spreads_replicas_over_the_cpus():
    assert [serve.cpu_for(i, [0, 1]) for i in range(4)] == [0, 1, 0, 1]
    assert serve.cpu_for(0, [3, 2]) == 2
    with pytest.raises(ValueError, match="no CPUs"):
        serve.cpu_for(0, [])


def test_pinning_is_on_by_default_and_can_be_turned_off():
    assert serve.parse_args([]).pin_cpus is True
    assert serve.parse_args(["--no-pin-cpus"]).pin_cpus is False


def test_every_replica_gets_the_shared_database_and_one_instructor_key():
    env = serve.replica_environment({"PATH": "/bin"}, "postgresql+psycopg://u@h/db")
    assert env["BACKPROP_DB_URL"] == "postgresql+psycopg://u@h/db" and env["OPENBLAS_NUM_THREADS"] == "1"
    assert len(env["BACKPROP_INSTRUCTOR_KEY"]) >= 16, "made once by serve, for every replica"
    assert serve.replica_environment({"BACKPROP_INSTRUCTOR_KEY": "mine"}, None)["BACKPROP_INSTRUCTOR_KEY"] == "mine"


def test_several_replicas_without_a_shared_database_are_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("BACKPROP_DB_URL", raising=False)
    fake = tmp_path / "haproxy"
    fake.write_text("#!/bin/sh\nexit 0\n")
    fake.chmod(0o755)
    assert serve.main(["--replicas", "2", "--haproxy", str(fake)]) == 2
    assert "several replicas need one database" in capsys.readouterr().err
