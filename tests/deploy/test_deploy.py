"""Tests of the deploy recipes: the Dockerfile, .streamlit/config.toml, deploy/compose.yaml, deploy/k8s, haproxy.cfg.

The Dockerfile's files are enough to run every page, and the hosted-demo config is hardened as the README says."""
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def dockerfile_copies() -> list[str]:
    text = (ROOT / "Dockerfile").read_text()
    sources = []
    for line in text.splitlines():
        if line.startswith("COPY "):
            parts = [p for p in line.split()[1:] if not p.startswith("--")]
            sources += parts[:-1]
    return sources


def test_dockerfile_follows_streamlits_recipe():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", text, re.M)
    assert "WORKDIR /app" in text and "EXPOSE 8501" in text
    assert 'HEALTHCHECK' in text and "/_stcore/health" in text
    assert re.search(r"^USER 1000", text, re.M), "runs as a non-root user"
    assert 'ENTRYPOINT ["streamlit", "run", "app.py", "--server.port=8501", "--server.address=0.0.0.0"]' in text
    assert "requirements.txt" in dockerfile_copies()


def test_the_image_contents_run_every_page(tmp_path):
    """Copy exactly what the Dockerfile copies and run each page from there in a clean interpreter."""
    for source in dockerfile_copies():
        src = ROOT / source.rstrip("/")
        if src.is_dir():
            shutil.copytree(src, tmp_path / src.name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, tmp_path / src.name)
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        "import pathlib, sys\n"
        "pages = [None] + sorted(str(p.relative_to('.')) for p in pathlib.Path('pages').glob('*.py'))\n"
        "for page in pages:\n"
        "    at = AppTest.from_file('app.py', default_timeout=60)\n"
        "    if page: at.switch_page(page)\n"
        "    at.run()\n"
        "    assert not at.exception, (page, [e.message for e in at.exception])\n"
        "print('pages ok', len(pages))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"pages ok {1 + len(list((ROOT / 'pages').glob('*.py')))}" in result.stdout  # the overview and every page


def test_hosted_demo_config_is_hardened():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    server = config["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["fileWatcherType"] == "none" and server["maxUploadSize"] <= 1
    assert 0 < server["disconnectedSessionTTL"] <= 300 and server["maxCacheDataSize"]
    assert config["client"]["toolbarMode"] == "viewer" and config["client"]["showSidebarNavigation"] is False


def test_no_raw_html_reaches_the_page():
    """No page or module hands HTML to Streamlit, except dashboard/projector.py (a stylesheet and the presenter's
    key script), dashboard/a11y.py (a stylesheet and a script for keyboards and screen readers) and
    dashboard/lab/player.py (the lab's player, a component of HTML, CSS and JavaScript), whose constants are
    written out in the module and passed unchanged."""
    raw = re.compile(r"unsafe_allow_html|unsafe_allow_javascript|st\.html\(|st\.iframe\(|components\.v1|"
                     r"components\.v2|st\.markdown\([^)]*<")
    allowed = {"projector.py": ([("html", "FIT_CSS"), ("html", "SIZE_CSS"), ("html", "THEME_CSS"),
                                 ("iframe", "KEYS_HTML")],
                                ("FIT_CSS", "KEYS_HTML", "LARGER_CSS", "LARGEST_CSS", "DARK_CSS", "CONTRAST_CSS")),
               "a11y.py": ([("html", "PAGE_CSS")], ("PAGE_CSS", "PAGE_SCRIPT")),
               "lab/player.py": ([], ("HTML", "CSS", "JS"))}
    # the projector's sizes and themes are picked by a fixed key from dicts of those constants, never built
    text = (ROOT / "dashboard" / "projector.py").read_text()
    assert re.search(r"^SIZE_CSS = \{125: LARGER_CSS, 150: LARGEST_CSS\}$", text, re.M)
    assert re.search(r'^THEME_CSS = \{"dark": DARK_CSS, "contrast": CONTRAST_CSS\}$', text, re.M)
    dashboard = ROOT / "dashboard"
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *dashboard.rglob("*.py")]:
        if path.is_relative_to(dashboard) and path.relative_to(dashboard).as_posix() in allowed:
            continue
        assert not raw.search(path.read_text()), path
    for module, (expected_calls, constants) in allowed.items():
        text = (ROOT / "dashboard" / module).read_text()
        calls = re.findall(r"st\.(?:sidebar\.)?(html|iframe)\((\w+)", text)
        assert sorted(calls) == expected_calls, (module, calls)
        for name in constants:  # plain literals: nothing is formatted into them
            assert re.search(rf'^{name} = """', text, re.M), name
            assert not re.search(rf"^{name} = f|{name}\.format|{name} %", text, re.M), name
    player = (ROOT / "dashboard" / "lab" / "player.py").read_text()
    assert re.findall(r"components\.v2\.component\(([^)]*)\)", player) == ['"lab_player", html=HTML, css=CSS, js=JS']


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    commands = [line for block in blocks[:2] for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert commands[0].endswith("streamlit run app.py")
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


# --- past one machine: compose and Kubernetes (they cannot run here: parsed and checked) ---------------

HEALTH = "/_stcore/health"


def exposed_port() -> int:
    match = re.search(r"^EXPOSE (\d+)$", (ROOT / "Dockerfile").read_text(), re.M)
    assert match, "the Dockerfile exposes no port"
    return int(match.group(1))


def load_yaml(path: Path) -> list[dict]:
    import yaml

    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def k8s(kind: str) -> dict:
    docs = [d for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")) for d in load_yaml(path)
            if d.get("kind") == kind]
    assert len(docs) == 1, f"expected one {kind} in deploy/k8s, found {len(docs)}"
    return docs[0]


def test_compose_runs_the_image_behind_haproxy():
    compose = load_yaml(ROOT / "deploy" / "compose.yaml")[0]
    app, haproxy = compose["services"]["app"], compose["services"]["haproxy"]
    assert (ROOT / "deploy" / app["build"]["context"] / app["build"]["dockerfile"]).resolve() == ROOT / "Dockerfile"
    assert app["deploy"]["replicas"] >= 2
    assert str(exposed_port()) in [str(p) for p in app["expose"]] and "ports" not in app
    assert haproxy["image"].startswith("haproxy:")
    assert f"{exposed_port()}:{exposed_port()}" in haproxy["ports"]
    mounted = [v.split(":") for v in haproxy["volumes"]]
    assert ["./haproxy.cfg", "/usr/local/etc/haproxy/haproxy.cfg", "ro"] in mounted
    assert haproxy["depends_on"]["app"]["condition"] == "service_healthy"


def test_compose_haproxy_config_pins_sessions_and_checks_health():
    text = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert re.search(r"^\s*server-template app \d+ app:(\d+) ", text, re.M).group(1) == str(exposed_port())
    assert "cookie BACKPROP_REPLICA insert indirect nocache httponly dynamic" in text
    assert "dynamic-cookie-key" in text
    assert f"option httpchk GET {HEALTH}" in text and "timeout check 5s" in text and "fall 3" in text
    assert "option redispatch" in text and "timeout tunnel" in text
    assert re.search(rf"^\s*bind :{exposed_port()}$", text, re.M)


def test_compose_haproxy_config_is_valid_for_haproxy():
    haproxy = shutil.which("haproxy") or ("/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None)
    if haproxy is None:
        import pytest

        if os.environ.get("CI"):
            pytest.fail("CI is set, so this test may not be skipped: install haproxy", pytrace=False)
        pytest.skip("HAProxy is not installed (apt-get install -y haproxy)")
    result = subprocess.run([haproxy, "-c", "-f", str(ROOT / "deploy" / "haproxy.cfg")], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_k8s_deployment_probes_and_resources():
    deployment = k8s("Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"http": exposed_port()}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        get = container[probe]["httpGet"]
        assert get["path"] == HEALTH and ports.get(get["port"], get["port"]) == exposed_port(), probe
    # A busy replica answers its health check late: seconds per check, several failures before acting.
    assert container["readinessProbe"]["timeoutSeconds"] >= 2 and container["readinessProbe"]["failureThreshold"] >= 3
    assert container["livenessProbe"]["timeoutSeconds"] >= 2 and container["livenessProbe"]["failureThreshold"] >= 3
    requests = container["resources"]["requests"]
    assert requests["cpu"] and requests["memory"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 1000


def test_k8s_service_and_ingress_reach_the_pods_with_cookie_affinity():
    deployment, service, ingress = k8s("Deployment"), k8s("Service"), k8s("Ingress")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    container_ports = {p["name"]: p["containerPort"] for p in
                       deployment["spec"]["template"]["spec"]["containers"][0]["ports"]}
    service_port = service["spec"]["ports"][0]
    assert container_ports.get(service_port["targetPort"], service_port["targetPort"]) == exposed_port()
    notes = ingress["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert notes[prefix + "affinity"] == "cookie" and notes[prefix + "affinity-mode"] == "persistent"
    assert notes[prefix + "session-cookie-name"]
    assert int(notes[prefix + "proxy-read-timeout"]) >= 3600 and int(notes[prefix + "proxy-send-timeout"]) >= 3600
    assert ingress["spec"]["ingressClassName"] == "nginx"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == service["metadata"]["name"]
    assert backend["port"].get("name") == service_port["name"] or backend["port"].get("number") == service_port["port"]


def test_k8s_autoscaler_scales_the_deployment_on_cpu():
    hpa, deployment = k8s("HorizontalPodAutoscaler"), k8s("Deployment")
    assert hpa["apiVersion"] == "autoscaling/v2"
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert 1 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]
    cpu = [m["resource"] for m in hpa["spec"]["metrics"] if m["type"] == "Resource"]
    assert cpu and cpu[0]["name"] == "cpu" and 0 < cpu[0]["target"]["averageUtilization"] <= 100
    kustomization = load_yaml(ROOT / "deploy" / "k8s" / "kustomization.yaml")[0]
    assert sorted(kustomization["resources"]) == sorted(p.name for p in (ROOT / "deploy" / "k8s").glob("*.yaml")
                                                        if p.name != "kustomization.yaml")


def test_no_file_points_outside_the_repository():
    """Facts from outside notes are carried over in the project's own words, never by a path out of it."""
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    needles = ("../" + "shared", "/work/" + "shared")  # split, so that this file does not match itself
    offenders = [name for name in tracked if (ROOT / name).is_file()
                 and any(n in (ROOT / name).read_text(errors="ignore") for n in needles)]
    assert offenders == []


def test_compose_shares_one_postgres_with_every_replica():
    compose = load_yaml(ROOT / "deploy" / "compose.yaml")[0]
    app, postgres = compose["services"]["app"], compose["services"]["postgres"]
    assert app["environment"]["BACKPROP_DB_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in \
        app["environment"]["BACKPROP_DB_URL"]
    assert app["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    volume = postgres["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in compose["volumes"]


def test_k8s_pods_read_the_database_url_and_the_key_from_a_secret():
    deployment = load_yaml(ROOT / "deploy" / "k8s" / "deployment.yaml")[0]
    env = {e["name"]: e for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name, key in (("BACKPROP_DB_URL", "db-url"), ("BACKPROP_INSTRUCTOR_KEY", "instructor-key")):
        ref = env[name]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "backprop-classroom", "key": key}
