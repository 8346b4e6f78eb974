"""Tests of dashboard.lab.lessons: every lesson demonstrates what it says.

Each preset is run through the package and its claim asserted on that run, and the lesson's paragraph quotes that run's
numbers."""
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import backprop as bp
import backprop.runs as runs
from backprop.reading import curves, read_run
from backprop.runs import train_config
from dashboard.lab import lessons
from dashboard.lab.controls import PRESETS, variant_configs
from dashboard.numbers import short


def lesson_of(label: str):
    preset = PRESETS[label]
    run = train_config(preset.config)
    variants = [(name, train_config(config)) for name, config in variant_configs(preset)]
    return run, read_run(run.history), variants, lessons.lesson(label, run, variants)


@pytest.fixture(params=[0.0, 1e-12, -1e-12], ids=["as-is", "data+1e-12", "data-1e-12"])
def shifted_data(request, monkeypatch):
    """Every data set's inputs scaled by 1 + ε·u (u seeded normal per entry): a change far below any difference
    between two processors' float64 sums and BLAS kernels, which reaches a long run's last digits the same way."""
    eps = request.param
    if eps:
        made = runs.make_dataset

        def shifted(*args, **kwargs):
            data = made(*args, **kwargs)
            u = np.random.default_rng(12345).standard_normal(data.X.shape)
            return replace(data, X=data.X * (1 + eps * u))

        monkeypatch.setattr(runs, "make_dataset", shifted)
    return eps


def test_learn_xor_reaches_every_training_point(shifted_data):
    run, r, _, text = lesson_of("Learn XOR")
    assert r.final_accuracy == 1.0
    assert bp.accuracy(bp.predict(run.network, run.data.X), run.data.y) == 1.0
    assert "100% of the 160 training points" in text and "it has learned XOR" in text
    assert short(r.first_loss) in text and short(r.final_loss) in text


def test_vanishing_gradients_vanish_in_a_deep_sigmoid_network_while_the_loss_stalls(shifted_data):
    run, r, variants, text = lesson_of("Vanishing gradients")
    assert run.config.hidden == "sigmoid" and len(run.config.hidden_sizes) >= 3
    sums = {name: series.sum() for name, series in run.history.grad_norms.items()}
    assert sums["W1"] <= sums[f"W{run.initial.depth}"] / 100
    assert abs(r.loss_change) < 0.05
    assert f"1/{1 / r.first_to_last:,.0f} of ‖∂L/∂W5‖" in text and f"only {abs(r.loss_change):.1%}" in text
    # the error reaching the first layer stays tiny all run, not only at the start
    y = run.targets(run.data)
    for net in (run.initial, run.network):
        s = bp.layer_signal(net, run.data.X, y, run.config.loss)
        assert s.delta_norms[0] < 1e-3 * s.delta_norms[-1]
        assert short(s.delta_norms[0] / s.delta_norms[-1], 2) in text
    # what the per-layer norms do afterwards, said with the epochs at which they do it
    first, last = np.asarray(run.history.grad_norms["W1"]), np.asarray(run.history.grad_norms["W5"])
    tenth = next(e for e in range(len(first)) if first[e] >= 0.1 * last[e])
    assert all(first[e] < 0.1 * last[e] for e in range(tenth)) and tenth > 10
    assert f"It has by epoch {tenth} (its loss is then {short(run.history.losses[tenth])}" in text
    share = run.data.y.mean()
    assert abs(run.history.losses[tenth] + share * np.log(share) + (1 - share) * np.log(1 - share)) < 1e-4
    cross = max(e for e in range(len(first)) if first[e] < last[e]) + 1
    assert all(first[e] >= last[e] for e in range(cross, len(first))) and cross < len(first) - 1
    assert f"From epoch {cross} on, ‖∂L/∂W5‖ is even smaller than ‖∂L/∂W1‖" in text
    bound = 10.0 ** (np.floor(np.log10(max(first[-1], last[-1]))) + 1)
    assert max(first[-1], last[-1]) < bound <= 1e-6 and f"both below {short(bound, 1)}" in text
    shown = [e for e in run.snapshot_epochs if e < tenth][-2:]
    assert f"the lesson opens at epoch 0, where they do (so does epoch {shown[-1]})" in text and 0 < shown[-1] < tenth
    # beside it, what changes: tanh lets the same network learn, a larger init alone does not
    by_name = {name: read_run(v.history) for name, v in variants}
    tanh, init = by_name["tanh instead of sigmoid"], by_name["initial weights of std 1/√fan-in instead of 0.1"]
    assert tanh.final_accuracy == 1.0 and tanh.first_to_last > 0.1
    assert init.final_accuracy < 0.6 and init.first_to_last > r.first_to_last
    assert "the network learns XOR (100%)" in text and "the network still does not learn XOR" in text


def test_too_large_a_learning_rate_diverges_and_says_so(shifted_data):
    run, r, variants, text = lesson_of("Learning rate too large")
    assert r.diverged_at is not None and r.rises > r.epochs // 2
    assert f"stopped being a finite number at epoch {r.diverged_at}" in text
    assert f"rose in {r.rises} of the {r.epochs - 1} steps" in text
    # W1's curve stops on the log scale: its gradient is exactly 0 from some epoch on, because tanh saturated
    first = np.asarray(run.history.grad_norms["W1"])
    since = max(e for e in range(len(first)) if first[e] != 0) + 1
    assert 0 < since < r.epochs and not first[since:].any()
    assert f"From epoch {since} on ‖∂L/∂W1‖ is exactly 0" in text
    for e in (e for e in run.snapshot_epochs if e >= since):
        assert np.all(np.abs(bp.network_forward(run.network_at(e), run.data.X).As[0]) == 1.0)
    assert "every tanh unit outputs ±1 to the last digit" in text
    smaller = read_run(variants[0][1].history)
    assert smaller.diverged_at is None and smaller.rises == 0 and smaller.final_loss < smaller.first_loss
    assert f"falls at every epoch, from {short(smaller.first_loss)} to {short(smaller.final_loss)}" in text
    kinds = [kind for kind, _ in lessons.diagnostics(run)]
    assert kinds[0] == "error"


def test_spirals_are_separated_by_a_deep_enough_network(shifted_data):
    run, r, variants, text = lesson_of("Spirals")
    assert run.config.noise <= 0.1 and len(run.config.hidden_sizes) >= 2
    assert r.final_accuracy >= 0.95 and r.final_test_accuracy >= 0.9
    assert f"{r.final_accuracy:.0%} of the {run.data.n_samples} training points" in text
    small, noisy = (read_run(v.history) for _, v in variants)
    assert small.final_accuracy < 0.8, "one layer of 4 units cannot separate them"
    assert noisy.final_accuracy - noisy.final_test_accuracy >= 0.2
    assert "the arms blur into each other" in text


def test_overfitting_test_loss_rises_and_l2_closes_the_gap(shifted_data):
    run, r, variants, text = lesson_of("Overfitting")
    assert run.data.n_samples <= 40 and lessons.n_params(run) > 10 * run.data.n_samples
    assert r.final_test_loss >= 1.2 * r.best_test_loss, "the test loss ends well above its minimum"
    assert r.final_test_loss > r.final_loss
    assert r.final_loss < 0.1 * r.first_loss, "while the training loss falls"
    assert f"lowest at epoch {r.best_test_epoch}" in text and short(r.final_test_loss) in text
    (name, with_l2), = variants
    assert with_l2.config.l2 > 0 and replace(with_l2.config, l2=0.0) == run.config
    l2 = read_run(with_l2.history)
    assert l2.gap < 0.6 * r.gap, (l2.gap, r.gap)
    assert f"the gap ends at {short(l2.gap)}" in text


def test_the_assignment_network_starts_from_the_assignment_and_learns_its_target(shifted_data):
    run, r, _, text = lesson_of("Assignment 5's network")
    np.testing.assert_array_equal(run.initial.Ws[0], bp.assignment.W1)
    np.testing.assert_array_equal(run.initial.Ws[1], bp.assignment.W2)
    assert r.final_loss < 0.01 * r.first_loss
    out = bp.predict(run.network, run.data.X)[0]
    assert abs(out - run.data.y[0]).max() < 0.05
    assert "X = (2, 3)" in text and "(0, 1)" in text and short(out[0]) in text


def test_a_lesson_does_not_claim_what_its_run_does_not_show():
    """The paragraph's claim is conditional: a run that does not show the effect is described as it is."""
    preset = PRESETS["Vanishing gradients"]
    learned = train_config(replace(preset.config, hidden="tanh"))
    text = lessons.lesson("Vanishing gradients", learned)
    assert "has vanished" not in text and "stalls" not in text
    xor = train_config(replace(PRESETS["Learn XOR"].config, epochs=10))
    assert "has not learned XOR yet" in lessons.lesson("Learn XOR", xor)
    calm = train_config(replace(PRESETS["Learning rate too large"].config, lr=0.3))
    assert "never rose" in lessons.lesson("Learning rate too large", calm)


def test_diagnostics_name_what_happened_in_any_run():
    base = PRESETS["Learn XOR"].config
    assert lessons.diagnostics(train_config(base)) == []
    stuck = train_config(replace(base, dataset="spirals", noise=0.2, hidden_sizes=(4,), epochs=300))
    (kind, text), = [d for d in lessons.diagnostics(stuck) if "accuracy" in d[1]]
    r = read_run(stuck.history)
    assert kind == "warning" and f"ended at {r.final_accuracy:.0%}" in text and "less noise" in text
    over = train_config(PRESETS["Overfitting"].config)
    assert any(kind == "info" and "overfitting its 30 training points" in text
               for kind, text in lessons.diagnostics(over))
    vanishing = train_config(PRESETS["Vanishing gradients"].config)
    assert any("has vanished" in text for _, text in lessons.diagnostics(vanishing))


def test_a_network_that_fails_on_its_own_data_is_not_called_overfitting_and_its_bouncing_loss_names_the_rate():
    # Adam at lr 0.5 on mini-batches of 8: the loss bounces, training accuracy stays low, the test loss is lowest at
    # epoch 0. That is not overfitting, and the learning rate is what to change (at 0.01 it reaches 100%).
    config = replace(PRESETS["Learn XOR"].config, dataset="blobs", n_classes=4, hidden_sizes=(8, 8, 8, 8),
                     output="softmax", loss="ce", init_scale=1.0, optimizer="adam", lr=0.5, batch_size=8, l2=0.003)
    run = train_config(config)
    r = read_run(run.history)
    assert r.final_accuracy < lessons.LOW_ACCURACY and lessons.test_rose(r) and r.rises > r.epochs // 10
    said = dict((text.split(":")[0], text) for _, text in lessons.diagnostics(run))
    assert not any("overfitting" in text for text in said.values())
    (low,) = [text for text in said.values() if "Training accuracy ended at" in text]
    assert f"Try a learning rate smaller than 0.5 (the loss rose at {r.rises} epochs)" in low
    assert any("a learning rate smaller than 0.5 steadies the curve" in text for text in said.values())
    steadier = read_run(train_config(replace(config, lr=0.01)).history)
    assert steadier.final_accuracy == 1.0  # the advice holds for this run
    over = train_config(replace(PRESETS["Overfitting"].config, l2=0.0003))
    assert any("A stronger L2 (now 0.0003)" in text for _, text in lessons.diagnostics(over))


def test_diagnostics_advise_only_what_the_run_has_not_tried():
    vanishing = PRESETS["Vanishing gradients"].config
    sgd = train_config(vanishing)
    (text,) = [t for _, t in lessons.diagnostics(sgd) if "has vanished" in t]
    moved = read_run(sgd.history).weight_change["W1"]
    assert moved < lessons.HARDLY_MOVED and f"only {moved:.1%} of its size: it hardly learns" in text
    adam = train_config(replace(vanishing, optimizer="adam"))
    assert read_run(adam.history).weight_change["W1"] > 1
    texts = " ".join(t for _, t in lessons.diagnostics(adam))
    assert "has vanished" in texts and "hardly learns" not in texts and "Adam divides each step" in texts
    assert "more epochs" in texts and "Adam or" not in texts and "or Adam" not in texts
    spirals = replace(PRESETS["Learn XOR"].config, dataset="spirals", noise=0.2, hidden_sizes=(4,), epochs=300)
    low = " ".join(t for _, t in lessons.diagnostics(train_config(spirals)))
    assert "a larger learning rate" in low and "Adam" in low
    overshoot = train_config(replace(spirals, lr=30, hidden_sizes=(8,), epochs=500))
    texts = [t for _, t in lessons.diagnostics(overshoot)]
    r = read_run(overshoot.history)
    assert r.final_loss > r.first_loss and any("The loss went up" in t for t in texts)
    assert not any("a larger learning rate" in t for t in texts)
    assert not any("overfitting" in t for t in texts), "the training loss rose too: that is not overfitting"


@pytest.mark.parametrize("label", list(PRESETS))
def test_comparison_tables_quote_every_run(label):
    preset = PRESETS[label]
    run = train_config(preset.config)
    variants = [(name, train_config(config)) for name, config in variant_configs(preset)]
    rows = lessons.comparison(label, run, variants)
    assert [row["run"] for row in rows] == ["this run", *(name for name, _ in variants)]
    for row, (_, other) in zip(rows, [("this run", run), *variants], strict=True):
        final = read_run(other.history).final_loss
        assert row["final loss"] == (short(final, 3) if np.isfinite(final) else "not finite")


def docs_row(label: str) -> str:
    """The row of ``label`` in docs/lab.md's table of lessons (the guide the README links to)."""
    text = (Path(__file__).resolve().parents[3] / "docs" / "lab.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith(f"| {label} |"))


@pytest.mark.parametrize("label", list(PRESETS))
def test_the_docs_state_each_lessons_tested_bounds(label):
    """docs/lab.md's table of lessons states the bounds the claims check, in their words; the numbers a machine gave
    may follow as an example, labelled so, and are not pinned here (they differ between processors)."""
    row = docs_row(label)
    for claim in lessons.CLAIMS[label]:
        assert claim.text in row, f"docs/lab.md's row for {label} does not state: {claim.text}"


def lesson_runs(label: str) -> lessons.Lesson:
    preset = PRESETS[label]
    return lessons.read_lesson(train_config(preset.config),
                               [(name, train_config(config)) for name, config in variant_configs(preset)])


@pytest.mark.parametrize("label", list(PRESETS))
def test_every_claim_holds_on_runs_perturbed_below_any_machine_difference(label, shifted_data):
    assert lessons.broken_claims(lesson_runs(label), label) == []


CLAIMS_SCRIPT = """
import json
from backprop.runs import train_config
from dashboard.lab import lessons
from dashboard.lab.controls import PRESETS, variant_configs
broken = {}
for label, preset in PRESETS.items():
    lesson = lessons.read_lesson(train_config(preset.config),
                                 [(n, train_config(c)) for n, c in variant_configs(preset)])
    broken[label] = lessons.broken_claims(lesson, label)
print(json.dumps(broken))
"""


@pytest.mark.parametrize("env", [{"OPENBLAS_NUM_THREADS": "1"}, {"OPENBLAS_NUM_THREADS": "2"},
                                 {"OPENBLAS_CORETYPE": "Sandybridge"}, {"OPENBLAS_CORETYPE": "Prescott"}],
                         ids=lambda env: "-".join(f"{k}={v}" for k, v in env.items()))
def test_every_claim_holds_with_other_blas_kernels(env):
    """The same lessons with OpenBLAS's threads, or its kernels for another processor (OPENBLAS_CORETYPE, which a
    DYNAMIC_ARCH build such as numpy's wheel honours on x86-64, and other builds ignore): what another CPU does
    to a seeded run, on this one."""
    root = Path(__file__).resolve().parents[3]
    out = subprocess.run([sys.executable, "-c", CLAIMS_SCRIPT], cwd=root, env={**os.environ, **env},
                         capture_output=True, text=True, timeout=300, check=True)
    assert json.loads(out.stdout) == {label: [] for label in PRESETS}


@pytest.mark.parametrize("changes", [
    {"optimizer": "adam", "lr": 0.03, "dataset": "circles", "init_scale": 0.03},
    {"hidden_sizes": (4, 4), "optimizer": "adam", "lr": 0.03, "epochs": 300},
    {"dataset": "moons", "optimizer": "adam", "lr": 0.01, "epochs": 300},
    {"l2": 0.01},
    {},
])
def test_the_vanishing_paragraph_says_of_the_output_layer_only_what_the_run_shows(changes):
    run = train_config(replace(PRESETS["Vanishing gradients"].config, **changes))
    L = run.initial.depth
    text = lessons._when_the_output_layer_is_done(run, L)
    c = curves(run.history)
    first, last, loss = np.asarray(c.grad_norms["W1"]), np.asarray(c.grad_norms[f"W{L}"]), np.asarray(c.train_loss)
    if not text:
        return
    tenth = int(text.split("It has by epoch ")[1].split(" ")[0])
    share = run.data.y.mean()
    assert abs(loss[tenth] + share * np.log(share) + (1 - share) * np.log(1 - share)) < 1e-3
    assert last[tenth] < last[0] and all(first[e] < 0.1 * last[e] for e in range(tenth))
    if "From epoch " in text:
        cross = int(text.split("From epoch ")[1].split(" ")[0])
        assert all(first[e] >= last[e] for e in range(cross, len(first)))
        if "the loss stays at" in text:
            assert abs(loss[-1] - loss[cross]) <= 1e-3 * loss[cross]
