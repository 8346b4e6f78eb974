"""Benchmark: backprop.train against an autograd framework's eager loop (PyTorch) on the same work, when
torch is importable; the training lab's default run; and every lesson's runs, beside the estimate the
lab's work cap uses.

    OPENBLAS_NUM_THREADS=1 python benchmarks/bench_train.py [--repeats 5] [--threads 1]

Two networks, each with the same data, initial weights, float64 and full-batch gradient descent on both
sides; the PyTorch loops also record the loss every epoch, as backprop.train does:

- 2-16-1 sigmoid network, sigmoid output, mean squared error, 256 XOR points, 2000 epochs, lr 0.5;
- 2-32-32-32-3 tanh network, softmax output, cross-entropy, 512 points of three spirals, 500 epochs,
  lr 0.1 (a step small enough that both runs follow the same path to the last digit).

Timings are CPU time of this process (time.process_time), the best of the repeats: on a shared machine
wall time measures the neighbours as much as the code. Prints epochs per second for each side and their
ratio, and whether both ended at the same loss.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from _common import markdown_table, this_cpu

import backprop as bp
from backprop.runs import TrainConfig, train_config

N_POINTS, HIDDEN, EPOCHS, LR = 256, 16, 2000, 0.5
DEEP_SIZES, DEEP_POINTS, DEEP_EPOCHS, DEEP_LR = (2, 32, 32, 32, 3), 512, 500, 0.1


def problem():
    data = bp.make_dataset("xor", N_POINTS, noise=0.2, seed=0)
    return data, bp.init_params(2, HIDDEN, 1, seed=0, scale=1.0)


def deep_problem():
    data = bp.make_dataset("spirals", DEEP_POINTS, noise=0.1, seed=0, n_classes=DEEP_SIZES[-1])
    return data, bp.init_network(DEEP_SIZES, hidden="tanh", output="softmax", seed=0)


def best_cpu(run, repeats: int) -> tuple[float, object]:
    """The smallest CPU time of ``repeats`` calls of run(), and the last call's result."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.process_time()
        result = run()
        times.append(time.process_time() - t0)
    return min(times), result


def time_numpy(data, params, repeats: int) -> tuple[float, float]:
    seconds, history = best_cpu(lambda: bp.train(params, data.X, data.y, lr=LR, epochs=EPOCHS), repeats)
    return EPOCHS / seconds, float(history.losses[-1])


def time_deep_numpy(data, net, repeats: int) -> tuple[float, float]:
    seconds, history = best_cpu(
        lambda: bp.train(net, data.X, data.labels, lr=DEEP_LR, epochs=DEEP_EPOCHS, loss="ce"), repeats)
    return DEEP_EPOCHS / seconds, float(history.losses[-1])


def time_page_default(repeats: int) -> tuple[float, TrainConfig]:
    """The training page's default run: data, initial weights and training with snapshots (best CPU seconds)."""
    config = TrainConfig()
    return best_cpu(lambda: train_config(config), repeats)[0], config


def time_lessons(repeats: int) -> list[tuple[str, float, float]]:
    """(lesson, best CPU seconds for its run and the runs it is compared with, the work cap's estimate of them)."""
    from dashboard.lab.controls import PRESETS, variant_configs, work

    out = []
    for label, preset in PRESETS.items():
        configs = [preset.config, *(c for _, c in variant_configs(preset))]
        seconds, _ = best_cpu(lambda configs=configs: [train_config(c) for c in configs], repeats)
        out.append((label, seconds, sum(work(c) for c in configs)))
    return out


def torch_descent(torch, tensors, loss, lr: float, epochs: int) -> np.ndarray:
    """Plain gradient descent in PyTorch's eager autograd, as backprop.train does it: ``loss()`` builds the loss
    from ``tensors`` (leaf tensors with requires_grad), backward, then t ← t − lr·∂L/∂t. Returns the loss before
    each update."""
    losses = np.empty(epochs)
    for epoch in range(epochs):
        value = loss()
        for t in tensors:
            t.grad = None
        value.backward()
        losses[epoch] = value.item()
        with torch.no_grad():
            for t in tensors:
                t -= lr * t.grad
    return losses


def time_torch(data, params, repeats: int) -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    X = torch.tensor(data.X)
    y = torch.tensor(data.y)

    def run():
        W1, b1, W2, b2 = (torch.tensor(np.array(a), requires_grad=True)
                          for a in (params.W1, params.b1, params.W2, params.b2))

        def loss():
            A2 = torch.sigmoid(torch.sigmoid(X @ W1 + b1) @ W2 + b2)
            return ((A2 - y) ** 2).sum() / (2 * X.shape[0])

        return torch_descent(torch, (W1, b1, W2, b2), loss, LR, EPOCHS)

    seconds, losses = best_cpu(run, repeats)
    return EPOCHS / seconds, float(losses[-1])


def time_deep_torch(data, net, repeats: int) -> tuple[float, float] | None:
    try:
        import torch
    except ImportError:
        return None
    X, labels = torch.tensor(data.X), torch.tensor(data.labels)

    def run():
        Ws = [torch.tensor(np.array(W), requires_grad=True) for W in net.Ws]
        bs = [torch.tensor(np.array(b), requires_grad=True) for b in net.bs]

        def loss():
            A = X
            for layer, (W, b) in enumerate(zip(Ws, bs, strict=True)):
                Z = A @ W + b
                A = torch.tanh(Z) if layer < len(Ws) - 1 else Z
            return torch.nn.functional.cross_entropy(A, labels)  # softmax and the mean cross-entropy

        return torch_descent(torch, Ws + bs, loss, DEEP_LR, DEEP_EPOCHS)

    seconds, losses = best_cpu(run, repeats)
    return DEEP_EPOCHS / seconds, float(losses[-1])


def report(name: str, ours: tuple[float, float], theirs: tuple[float, float] | None) -> None:
    print(f"{name}: backprop.train {ours[0]:8.0f} epochs/s (final loss {ours[1]:.9f})")
    if theirs is None:
        print("   torch is not importable: no autograd comparison (pip install torch==2.13.0 to add one)")
        return
    import torch

    print(f"   torch {torch.__version__} eager, {torch.get_num_threads()} thread(s): {theirs[0]:8.0f} epochs/s "
          f"(final loss {theirs[1]:.9f})")
    print(f"   ratio {ours[0] / theirs[0]:.2f}x   same final loss: {abs(ours[1] - theirs[1]) < 1e-9}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None,
                    help="cap torch's threads (set OPENBLAS_NUM_THREADS for numpy before starting)")
    args = ap.parse_args(argv)
    if args.threads:
        try:
            import torch

            torch.set_num_threads(args.threads)
        except ImportError:
            pass
    print(f"CPU: {this_cpu()}   OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    print("(ratios against PyTorch depend on the processor: both sides spend their time in its BLAS kernels)")
    page_s, config = time_page_default(args.repeats)
    shape = "-".join(str(n) for n in (2, *config.hidden_sizes, 1))
    print(f"training lab default run ({config.dataset}, {config.n_samples} points, {shape} "
          f"{config.hidden}, {config.loss}, {config.epochs} epochs, {config.snapshots} snapshots): "
          f"{page_s * 1000:.0f} ms")
    print("\nEach lesson's runs (its own and those it is compared with), trained at a click:\n")
    print(markdown_table(["lesson", "measured ms", "work-cap estimate ms"],
                         [(label, f"{measured * 1000:.0f}", f"{estimate * 1000:.0f}")
                          for label, measured, estimate in time_lessons(args.repeats)], align="lrr"))
    print()
    data, params = problem()
    report(f"2-{HIDDEN}-1 sigmoid, mse, {N_POINTS} points, {EPOCHS} epochs", time_numpy(data, params, args.repeats),
           time_torch(data, params, args.repeats))
    data, net = deep_problem()
    report(f"{'-'.join(map(str, DEEP_SIZES))} tanh, softmax + ce, {DEEP_POINTS} points, {DEEP_EPOCHS} epochs",
           time_deep_numpy(data, net, args.repeats), time_deep_torch(data, net, args.repeats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
