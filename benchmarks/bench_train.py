"""Benchmark: backprop.train on a 2-16-1 network, 256 points, 2000 epochs, against an autograd
framework's eager loop (PyTorch) on the same work, when torch is importable; the training page's default run
(train_config(TrainConfig())); and every lesson's runs, beside the estimate the page's work cap uses.

    python benchmarks/bench_train.py [--repeats 5] [--threads N]

The same data, initial weights, float64, full-batch gradient descent with lr 0.5, sigmoid hidden
and output, mean-squared-error loss; the PyTorch loop also records the loss every epoch. Prints
epochs per second (the median over the repeats) for each and their ratio.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from _common import markdown_table

import backprop as bp
from backprop.training import TrainConfig, train_config

N_POINTS, HIDDEN, EPOCHS, LR = 256, 16, 2000, 0.5


def problem():
    data = bp.make_dataset("xor", N_POINTS, noise=0.2, seed=0)
    return data, bp.init_params(2, HIDDEN, 1, seed=0, scale=1.0)


def time_numpy(data, params, repeats: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        history = bp.train(params, data.X, data.y, lr=LR, epochs=EPOCHS)
        runs.append(time.perf_counter() - t0)
    return EPOCHS / statistics.median(runs), float(history.losses[-1])


def time_page_default(repeats: int) -> tuple[float, TrainConfig]:
    """The training page's default run: data, initial weights and training with snapshots (median seconds)."""
    config = TrainConfig()
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        train_config(config)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs), config


def time_lessons(repeats: int) -> list[tuple[str, float, float]]:
    """(lesson, measured median seconds for its run and the runs it is compared with, the cap's estimate of them)."""
    from dashboard.lab import PRESETS, variant_configs, work

    out = []
    for label, preset in PRESETS.items():
        configs = [preset.config, *(c for _, c in variant_configs(preset))]
        runs = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            for config in configs:
                train_config(config)
            runs.append(time.perf_counter() - t0)
        out.append((label, statistics.median(runs), sum(work(c) for c in configs)))
    return out


def time_torch(data, params, repeats: int) -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    X = torch.tensor(data.X)
    y = torch.tensor(data.y)
    runs = []
    for _ in range(repeats):
        W1, b1, W2, b2 = (torch.tensor(np.array(a), requires_grad=True)
                          for a in (params.W1, params.b1, params.W2, params.b2))
        tensors = (W1, b1, W2, b2)
        losses = np.empty(EPOCHS)
        t0 = time.perf_counter()
        for epoch in range(EPOCHS):
            A1 = torch.sigmoid(X @ W1 + b1)
            A2 = torch.sigmoid(A1 @ W2 + b2)
            loss = ((A2 - y) ** 2).sum() / (2 * X.shape[0])
            for t in tensors:
                t.grad = None
            loss.backward()
            losses[epoch] = loss.item()
            with torch.no_grad():
                for t in tensors:
                    t -= LR * t.grad
        runs.append(time.perf_counter() - t0)
    return EPOCHS / statistics.median(runs), float(losses[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None,
                    help="cap torch's threads (set OPENBLAS_NUM_THREADS for numpy before starting)")
    args = ap.parse_args(argv)
    page_s, config = time_page_default(args.repeats)
    shape = "-".join(str(n) for n in (2, *config.hidden_sizes, 1))
    print(f"training page default run ({config.dataset}, {config.n_samples} points, {shape} "
          f"{config.hidden}, {config.loss}, {config.epochs} epochs, {config.snapshots} snapshots): "
          f"{page_s * 1000:.0f} ms")
    print("\nEach lesson's runs (its own and those it is compared with), trained at a click:\n")
    print(markdown_table(["lesson", "measured ms", "work-cap estimate ms"],
                         [(label, f"{measured * 1000:.0f}", f"{estimate * 1000:.0f}")
                          for label, measured, estimate in time_lessons(args.repeats)], align="lrr"))
    print()
    data, params = problem()
    ours, our_loss = time_numpy(data, params, args.repeats)
    print(f"backprop.train  2-{HIDDEN}-1, {N_POINTS} points, {EPOCHS} epochs: {ours:8.0f} epochs/s "
          f"(final loss {our_loss:.6f}; OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})")
    if args.threads:
        try:
            import torch

            torch.set_num_threads(args.threads)
        except ImportError:
            pass
    theirs = time_torch(data, params, args.repeats)
    if theirs is None:
        print("torch is not importable: no autograd comparison (pip install torch==2.13.0 to add one)")
        return 0
    import torch

    print(f"torch {torch.__version__} eager autograd, {torch.get_num_threads()} thread(s):   "
          f"{theirs[0]:8.0f} epochs/s (final loss {theirs[1]:.6f})")
    print(f"ratio: {ours / theirs[0]:.2f}x  (same final loss: {abs(our_loss - theirs[1]) < 1e-9})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
