"""The house's rules that no single module's tests would notice: pure modules stay free of Streamlit, no module
imports another's private names, and each feature's pages go through its session module."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import dashboard

ROOT = Path(__file__).resolve().parents[2]
APP_CODE = [*sorted((ROOT / "backprop").rglob("*.py")), *sorted((ROOT / "dashboard").rglob("*.py")),
            *sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]

#: Imports a module with Streamlit made unimportable: it fails if the module, or anything it imports, needs it.
WITHOUT_STREAMLIT = """
import sys
for name in ("streamlit", *[m for m in list(sys.modules) if m.startswith("streamlit.")]):
    sys.modules[name] = None
import importlib
importlib.import_module(sys.argv[1])
"""


@pytest.mark.parametrize("module", dashboard.PURE)
def test_a_pure_module_imports_no_streamlit(module):
    done = subprocess.run([sys.executable, "-c", WITHOUT_STREAMLIT, module], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_purity_check_fails_on_a_module_that_uses_streamlit():
    done = subprocess.run([sys.executable, "-c", WITHOUT_STREAMLIT, "dashboard.editors"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "streamlit" in done.stderr


def test_every_module_without_streamlit_is_listed_as_pure():
    """A module that needs no Streamlit is listed, so that a newcomer sees which builders are safe to reuse."""
    unlisted = []
    for path in (ROOT / "dashboard").rglob("*.py"):
        if path.name == "__init__.py":
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        if "streamlit" not in path.read_text(encoding="utf-8") and module not in dashboard.PURE:
            unlisted.append(module)
    assert unlisted == []


def private_imports(path: Path) -> list[str]:
    """`from x import _name` and `module._name` uses, in one file, of names private to another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported_modules = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                        for alias in node.names}
    imported_modules |= {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                         and node.module in ("backprop", "dashboard", "dashboard.lab", "dashboard.practice")
                         for alias in node.names}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("backprop", "dashboard"):
            found += [f"from {node.module} import {a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id in imported_modules and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_imports_another_modules_private_names():
    offenders = {str(path.relative_to(ROOT)): hits for path in APP_CODE if (hits := private_imports(path))}
    assert offenders == {}


def test_the_private_import_check_sees_one(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from backprop.network import _frozen_copy\nfrom dashboard import figures\nfigures._x\n")
    assert private_imports(sample) == ["from backprop.network import _frozen_copy", "figures._x"]


def test_pages_read_no_feature_session_keys():
    """Pages ask a feature's session module (dashboard.lab.session, dashboard.practice.session) for what they show,
    rather than reading its keys out of st.session_state."""
    for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]:
        text = path.read_text(encoding="utf-8")
        assert "st.session_state[session." not in text, path.name


#: Collects tests/backprop with everything but numpy, pytest and hypothesis made unimportable.
NUMPY_ONLY = """
import sys
for name in ("streamlit", "pandas", "plotly", "PIL", "playwright", "dashboard", "sqlalchemy"):
    sys.modules[name] = None
import pytest
sys.exit(pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", "tests/backprop"]))
"""


def test_the_numpy_layers_tests_need_only_numpy():
    done = subprocess.run([sys.executable, "-c", NUMPY_ONLY], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " tests collected" in done.stdout or "tests collected" in done.stdout
