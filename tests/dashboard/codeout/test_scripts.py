"""The exported numpy and PyTorch scripts, run in a subprocess on an exported lab run as a learner would: they print
the accuracy the lab shows, and PyTorch's predictions equal numpy's to 1e-9 in float64."""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop.runs import TrainConfig, train_config
from dashboard import exports
from dashboard.codeout import scripts
from dashboard.lab import controls, data
from dashboard.lab.lessons import percent

#: A Python with torch: this one when it has it (requirements-dev pins torch), else $TORCH_PYTHON.
TORCH_PYTHON = sys.executable if importlib.util.find_spec("torch") else os.environ.get("TORCH_PYTHON")


def blobs_csv(n=120, seed=4) -> str:
    rng = np.random.default_rng(seed)
    k = np.arange(n) % 3
    X = 50 + 8 * rng.standard_normal((n, 2)) + 12 * np.stack([np.cos(2 * k), np.sin(2 * k)], axis=1)
    return "height,weight,kind\n" + "\n".join(f"{a:.3f},{b:.3f},{[2, 5, 7][c]}" for (a, b), c in zip(X, k, strict=True))


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A lab run on a learner's CSV with a held-out share, its network at the last epoch, and its rows as files."""
    folder = tmp_path_factory.mktemp("export")
    table = data.parse_csv(blobs_csv(), "blobs.csv")
    config, _ = controls.settle(TrainConfig(dataset="csv", table=table, test_ratio=0.25, hidden_sizes=(6,),
                                            init_scale=None, optimizer="adam", lr=0.03, epochs=150))
    run = train_config(config)
    (folder / "network.json").write_text(exports.run_network_json(run, run.epochs_done))
    (folder / "train.csv").write_text(data.rows_csv(run, "training"))
    (folder / "test.csv").write_text(data.rows_csv(run, "test"))
    (folder / "predict_numpy.py").write_text(scripts.NUMPY_SCRIPT)
    (folder / "predict_torch.py").write_text(scripts.TORCH_SCRIPT)
    return run, folder


def run_script(python: str, folder: Path, script: str, rows: str, out: str) -> str:
    done = subprocess.run([python, script, "network.json", rows, "--predictions", out], cwd=folder,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def accuracy_line(stdout: str) -> tuple[str, int, int]:
    match = re.search(r"accuracy (\d+%) \((\d+) of (\d+) rows classified right\)", stdout)
    assert match, stdout[-500:]
    return match.group(1), int(match.group(2)), int(match.group(3))


def test_the_numpy_script_prints_the_accuracy_the_lab_shows(exported):
    run, folder = exported
    for rows, shown in (("train.csv", run.history.final_accuracy), ("test.csv", run.history.final_test_accuracy)):
        text, right, total = accuracy_line(run_script(sys.executable, folder, "predict_numpy.py", rows,
                                                      f"numpy_{rows}"))
        assert 0.5 < shown < 1.0, "a run whose accuracy tells the counts apart"
        assert text == percent(shown) and right / total == shown, (text, right, total, shown)


def test_the_torch_script_builds_the_same_network_and_predicts_the_same_to_1e_9(exported):
    if TORCH_PYTHON is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set and torch is not installed: pip install -r requirements-dev.txt (torch==2.13.0)")
        pytest.skip("torch is not installed here (requirements-dev.txt pins torch==2.13.0, or set $TORCH_PYTHON)")
    run, folder = exported
    stdout = run_script(TORCH_PYTHON, folder, "predict_torch.py", "train.csv", "torch.csv")
    assert "Sequential(" in stdout and "Linear(in_features=2, out_features=6" in stdout and "Softmax" in stdout
    assert accuracy_line(stdout)[0] == percent(run.history.final_accuracy)
    run_script(sys.executable, folder, "predict_numpy.py", "train.csv", "numpy.csv")
    theirs, mine = (np.loadtxt(folder / name, delimiter=",", skiprows=1) for name in ("torch.csv", "numpy.csv"))
    assert theirs.shape == mine.shape == (run.data.n_samples, 3)
    np.testing.assert_allclose(theirs, mine, rtol=0, atol=1e-9)
    assert not np.array_equal(theirs, np.roll(mine, 1, axis=0)), "the comparison can fail"
