"""Deploy recipes: the Dockerfile's files are enough to run every page, and the hosted-demo config
is hardened as the README says."""
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    assert "pages ok 8" in result.stdout


def test_hosted_demo_config_is_hardened():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False
    server = config["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert server["fileWatcherType"] == "none" and server["maxUploadSize"] <= 1
    assert 0 < server["disconnectedSessionTTL"] <= 300 and server["maxCacheDataSize"]
    assert config["client"]["toolbarMode"] == "viewer" and config["client"]["showSidebarNavigation"] is False


def test_no_raw_html_reaches_the_page():
    """No page or module hands HTML to Streamlit, except dashboard/projector.py, whose two constants (a
    stylesheet and the presenter's key script) are written out in the module and passed unchanged."""
    raw = re.compile(r"unsafe_allow_html|unsafe_allow_javascript|st\.html\(|st\.iframe\(|components\.v1|"
                     r"st\.markdown\([^)]*<")
    for path in [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "dashboard").glob("*.py")]:
        if path.name == "projector.py":
            continue
        assert not raw.search(path.read_text()), path
    projector = (ROOT / "dashboard" / "projector.py").read_text()
    calls = re.findall(r"st\.(?:sidebar\.)?(html|iframe)\((\w+)", projector)
    assert sorted(calls) == [("html", "FIT_CSS"), ("iframe", "KEYS_HTML")], calls
    for name in ("FIT_CSS", "KEYS_HTML"):  # plain literals: nothing is formatted into them
        assert re.search(rf'^{name} = """', projector, re.M), name
        assert not re.search(rf"^{name} = f|{name} \+|{name}\.format|{name} %", projector, re.M), name


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)
    commands = [line for block in blocks[:2] for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2, commands
    assert commands[0].endswith("streamlit run app.py")
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
