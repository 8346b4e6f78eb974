"""Networks built from the layer pairs of ``backprop.layers``: the assignment's 2-layer MLP, and any depth.

2-layer shapes: X (N, D), W1 (D, H), b1 (H,), W2 (H, C), b2 (C,). A Network of depth L has sizes
(D, H1, …, H_{L−1}, C): layer l maps (N, sizes[l−1]) to (N, sizes[l]). Both go forward and backward
through the same loop, ``network_forward`` and ``network_backward``: one backward pass in the package.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import NamedTuple

import numpy as np

from backprop._checks import (
    as_bias,
    as_matrix,
    check_inner,
    check_same_rows,
    check_same_shape,
    finite_float,
    positive_int,
    seed_value,
)
from backprop.activations import Activation, get_activation, get_output, sigmoid_grad
from backprop.layers import (
    ActivationCache,
    LinearCache,
    activation_backward,
    activation_forward,
    activation_forward_inplace,
    linear_backward,
    linear_backward_into,
    linear_forward,
    linear_forward_fast,
    loss_and_delta,
)
from backprop.losses import get_loss, loss_gradient, loss_terms, targets


def _frozen_copy(arr: np.ndarray) -> np.ndarray:
    arr = np.array(arr, dtype=np.float64)
    arr.setflags(write=False)
    return arr


# --- a network of any depth ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Network:
    """Weights, biases and activations of a fully connected network with L = len(Ws) layers.

    - Ws: (W1, …, WL), W_l of shape (sizes[l−1], sizes[l]); bs: (b1, …, bL), b_l of shape (sizes[l],)
    - hidden: the activation after every layer but the last (a name from ACTIVATIONS, or an Activation)
    - output: the last layer's activation (sigmoid, identity, tanh or softmax)
    The arrays are float64 read-only copies, so a Network can be shared and cached safely.
    """

    Ws: tuple[np.ndarray, ...]
    bs: tuple[np.ndarray, ...]
    hidden: str | Activation = "sigmoid"
    output: str | Activation = "sigmoid"

    def __post_init__(self):
        if len(self.Ws) == 0 or len(self.Ws) != len(self.bs):
            raise ValueError(f"a Network needs one bias per weight matrix and at least one layer; got "
                             f"{len(self.Ws)} weight matrices and {len(self.bs)} biases")
        Ws = [as_matrix(f"W{l}", W) for l, W in enumerate(self.Ws, start=1)]
        for l in range(1, len(Ws)):
            check_inner(f"W{l}", Ws[l - 1], f"W{l + 1}", Ws[l])
        bs = [as_bias(f"b{l}", b, W.shape[1], against=f"W{l} has {W.shape[1]} columns")
              for l, (W, b) in enumerate(zip(Ws, self.bs, strict=True), start=1)]
        get_activation(self.hidden)
        get_output(self.output)
        object.__setattr__(self, "Ws", tuple(_frozen_copy(W) for W in Ws))
        object.__setattr__(self, "bs", tuple(_frozen_copy(b) for b in bs))

    @property
    def sizes(self) -> tuple[int, ...]:
        """(D, H1, …, C): the width of every layer, inputs first."""
        return (self.Ws[0].shape[0], *(W.shape[1] for W in self.Ws))

    @property
    def depth(self) -> int:
        """L, the number of weight layers (a 2-layer MLP has depth 2)."""
        return len(self.Ws)

    def parameters(self) -> Iterator[tuple[str, np.ndarray]]:
        """("W1", W1), ("b1", b1), …, ("WL", WL), ("bL", bL), in order."""
        for l, (W, b) in enumerate(zip(self.Ws, self.bs, strict=True), start=1):
            yield f"W{l}", W
            yield f"b{l}", b

    def with_parameters(self, arrays: Sequence[np.ndarray]) -> Network:
        """The same network with new parameters, given in the order of parameters()."""
        return Network(tuple(arrays[0::2]), tuple(arrays[1::2]), self.hidden, self.output)

    def activation(self, l: int) -> Activation:
        """The activation after layer l (1-based)."""
        return get_output(self.output) if l == self.depth else get_activation(self.hidden)


class NetworkCache(NamedTuple):
    """What network_forward computed, kept for the backward pass.

    - X: (N, D); Zs[l−1] = Z_l and As[l−1] = A_l, (N, sizes[l]) for l = 1 … L; As[-1] is the output
    - linear, activation: each layer's caches, as linear_forward and activation_forward returned them
    (lists, one entry per layer)
    """

    X: np.ndarray
    Zs: list[np.ndarray]
    As: list[np.ndarray]
    linear: list[LinearCache]
    activation: list[ActivationCache]

    @property
    def output(self) -> np.ndarray:
        return self.As[-1]


def forward_unchecked(net: Network, X: np.ndarray, *, overwrite: bool = False,
                      keep_output_z: bool = True) -> NetworkCache:
    """network_forward without the input checks, for callers that checked X once (check_inputs) and then run the
    network many times: the training loop, the gradient check, pictures over the plane.

    overwrite: the training loop's fast path (layers' linear_forward_fast and activation_forward_inplace): a hidden
    layer's A is written over its Z (Zs then holds those A), the output's over a copy of Z, or over Z itself when
    ``keep_output_z`` is False (the mean squared error needs only A).
    """
    hidden, output = get_activation(net.hidden), get_output(net.output)
    Ws, bs = net.Ws, net.bs
    last = len(Ws) - 1
    A = X
    Zs, As, linear, activation = [], [], [], []
    for l in range(last + 1):
        act = hidden if l < last else output
        if overwrite:
            Z, lin = linear_forward_fast(A, Ws[l], bs[l])
            A, act_cache = activation_forward_inplace(Z.copy() if l == last and keep_output_z else Z, act)
        else:
            Z, lin = linear_forward(A, Ws[l], bs[l])
            A, act_cache = activation_forward(Z, act)
        Zs.append(Z)
        As.append(A)
        linear.append(lin)
        activation.append(act_cache)
    return NetworkCache(X, Zs, As, linear, activation)


#: A backward function put in place of the real one for one layer: ("linear", l) → f(dZ, LinearCache),
#: ("activation", l) → f(dA, ActivationCache), ("loss",) → f(dZ_out) for the gradient the loss sends back;
#: l is 1-based. gradcheck plants its bugs this way.
Swap = Mapping[tuple, Callable]


def network_backward(net: Network, cache: NetworkCache, dZ_out: np.ndarray, *, swap: Swap | None = None,
                     out: Sequence[tuple[np.ndarray, np.ndarray]] | None = None,
                     ) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """Backpropagation: from dZ_out = ∂L/∂Z_L back to the first layer, one layer pair at a time.

    - net, cache: the network and network_forward(net, X)
    - dZ_out: (N, C) the gradient the loss sends back (layers.output_loss)
    - swap: replace one layer's backward function (see Swap); for planting bugs, None for the real pass
    - out: per layer, arrays to write dW_l and db_l into (linear_backward's out; not with swap)
    Returns (dWs, dbs, deltas): dW_l (sizes[l−1], sizes[l]), db_l (sizes[l],) and delta_l = ∂L/∂Z_l
    (N, sizes[l]) for l = 1 … L.
    """
    L = len(net.Ws)
    dWs, dbs, deltas = [None] * L, [None] * L, [None] * L
    dZ = swap[("loss",)](dZ_out) if swap and ("loss",) in swap else dZ_out
    for l in range(L, 0, -1):
        deltas[l - 1] = dZ
        lin = cache.linear[l - 1]
        if l == 1:  # nothing below the first layer needs dX
            lin = LinearCache(lin.X, None)
        if swap:
            dA, dWs[l - 1], dbs[l - 1] = swap.get(("linear", l), linear_backward)(dZ, lin)
        elif out is not None:  # the training loop's fast path, straight into its flat gradient vector
            dA, dWs[l - 1], dbs[l - 1] = linear_backward_into(dZ, lin, *out[l - 1])
        else:
            dA, dWs[l - 1], dbs[l - 1] = linear_backward(dZ, lin)
        if l > 1:
            back = swap.get(("activation", l - 1), activation_backward) if swap else activation_backward
            dZ = back(dA, cache.activation[l - 2])
    return tuple(dWs), tuple(dbs), tuple(deltas)


def check_inputs(net: Network | Params, X) -> np.ndarray:
    """X (N, D) as a float64 matrix, or a ValueError naming X if it is not one or its D is not the network's."""
    X = as_matrix("X", X)
    check_inner("X", X, "W1", net.Ws[0] if isinstance(net, Network) else net.W1)
    return X


def network_forward(net: Network, X) -> NetworkCache:
    """Z_l = A_{l−1}·W_l + b_l and A_l = f_l(Z_l) for l = 1 … L, with A_0 = X.

    - X: (N, D), D = net.sizes[0]
    Returns a NetworkCache: every Z_l and A_l (N, sizes[l]), and the layers' caches for network_backward.
    """
    return forward_unchecked(net, check_inputs(net, X))


def l2_penalty(net: Network, l2: float) -> float:
    """(λ/2)·Σ_l ‖W_l‖² over the weights (not the biases)."""
    return 0.5 * l2 * sum(float(np.vdot(W, W)) for W in net.Ws)


def network_loss_and_grads(net: Network, X, y, loss: str = "mse", *, l2: float = 0.0,
                           ) -> tuple[float, tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
    """The mean loss of ``net`` on (X, y) and its gradients, by backpropagation.

    - X: (N, D); y: (N, C) targets, or (N,) integer class labels for loss="ce"
    - loss: "mse" (1/2N)·Σ(A − y)², "bce" (sigmoid output) or "ce" (softmax output)
    - l2: λ ≥ 0; the loss adds (λ/2)·Σ‖W_l‖² and each dW_l gains λ·W_l (biases are not penalised)
    Returns (loss_value, dWs, dbs), dW_l and db_l shaped like W_l and b_l.
    """
    value, dWs, dbs, _ = network_gradients(net, X, y, loss, l2=l2)
    return value, dWs, dbs


class LayerGradients(NamedTuple):
    """Everything one backward pass computes, layer by layer (l = 1 … L, index l − 1):

    - loss: the mean loss (with the L2 term when l2 > 0)
    - dWs[l−1] (sizes[l−1], sizes[l]) and dbs[l−1] (sizes[l],): the parameter gradients (dW with λ·W)
    - deltas[l−1] = ∂L/∂Z_l (N, sizes[l]): the error each layer passes back
    """

    loss: float
    dWs: tuple[np.ndarray, ...]
    dbs: tuple[np.ndarray, ...]
    deltas: tuple[np.ndarray, ...]

    @property
    def norms(self) -> list[float]:
        """‖∂L/∂W_l‖ (Frobenius) for l = 1 … L; inf where a diverged network's gradient overflows."""
        with np.errstate(over="ignore", invalid="ignore"):
            return [float(np.linalg.norm(dW)) for dW in self.dWs]


def network_gradients(net: Network, X, y, loss: str = "mse", *, l2: float = 0.0) -> LayerGradients:
    """network_loss_and_grads, keeping each layer's delta ∂L/∂Z_l as well (for drawing the backward pass).

    - X: (N, D); y: (N, C) targets, or (N,) integer class labels for loss="ce"; l2: λ ≥ 0
    """
    X = check_inputs(net, X)
    l2 = finite_float("l2", l2, minimum=0.0)
    loss_fn = get_loss(loss, get_output(net.output))
    cache = forward_unchecked(net, X)
    Y = targets(y, X.shape[0], net.sizes[-1], loss_fn)
    value, dZ_out = loss_and_delta(cache.Zs[-1], cache.output, Y, cache.activation[-1], loss_fn)
    dWs, dbs, deltas = network_backward(net, cache, dZ_out)
    if l2:
        value += l2_penalty(net, l2)
        dWs = tuple(dW + l2 * W for dW, W in zip(dWs, net.Ws, strict=True))
    return LayerGradients(float(value), dWs, dbs, deltas)


class LayerSignal(NamedTuple):
    """How large the signal is in each layer l = 1 … L, forward and backward:

    - spread[l−1]: the largest standard deviation over the samples of one unit of A_l: how much layer l's output
      differs from one sample to another (near 0: every sample looks the same to the next layer)
    - delta_norms[l−1]: ‖δ_l‖ = ‖∂L/∂Z_l‖, the size of the error layer l receives on the way back
    """

    spread: tuple[float, ...]
    delta_norms: tuple[float, ...]


def layer_signal(net: Network, X, y, loss: str = "mse") -> LayerSignal:
    """The LayerSignal of ``net`` on (X, y): X (N, D); y (N, C) targets or (N,) labels for loss="ce"."""
    X = check_inputs(net, X)
    cache = forward_unchecked(net, X)
    with np.errstate(over="ignore", invalid="ignore"):
        spread = tuple(float(A.std(axis=0).max()) for A in cache.As)
        deltas = tuple(float(np.linalg.norm(d)) for d in network_gradients(net, X, y, loss).deltas)
    return LayerSignal(spread, deltas)


def init_network(sizes: Sequence[int], *, hidden: str | Activation = "sigmoid", output: str | Activation = "sigmoid",
                 seed: int = 0, scale: float | None = None) -> Network:
    """A seeded random Network with the given layer sizes (D, H1, …, C); biases start at zero.

    - scale None: W_l ~ N(0, 1/fan_in) (LeCun's scaling, which keeps pre-activations of order one);
      a number: W_l ~ N(0, scale²), as init_params does
    The same arguments always give the same Network.
    """
    if len(sizes) < 2:
        raise ValueError(f"sizes needs at least an input and an output size; got {tuple(sizes)}")
    sizes = [positive_int(f"sizes[{i}]", s) for i, s in enumerate(sizes)]
    if scale is not None:
        scale = finite_float("scale", scale, minimum=0.0)
    rng = np.random.default_rng(seed_value("seed", seed))
    Ws = tuple(rng.standard_normal((a, b)) * (scale if scale is not None else 1.0 / np.sqrt(a))
               for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    return Network(Ws, tuple(np.zeros(b) for b in sizes[1:]), hidden, output)


# --- the assignment's 2-layer MLP ------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Params:
    """Weights and biases of the 2-layer MLP.

    - W1: (D, H) input-to-hidden weights      - b1: (H,) hidden bias (a (1, H) row is accepted)
    - W2: (H, C) hidden-to-output weights     - b2: (C,) output bias (a (1, C) row is accepted)

    The arrays are float64 copies and read-only, so a Params can be shared and cached safely.
    """

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray

    def __post_init__(self):
        W1 = as_matrix("W1", self.W1)
        W2 = as_matrix("W2", self.W2)
        check_inner("W1", W1, "W2", W2)
        b1 = as_bias("b1", self.b1, W1.shape[1], against=f"W1 has {W1.shape[1]} columns")
        b2 = as_bias("b2", self.b2, W2.shape[1], against=f"W2 has {W2.shape[1]} columns")
        for name, arr in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2)):
            object.__setattr__(self, name, _frozen_copy(arr))

    @property
    def dims(self) -> tuple[int, int, int]:
        """(D, H, C)."""
        return self.W1.shape[0], self.W1.shape[1], self.W2.shape[1]

    def as_dict(self) -> dict[str, np.ndarray]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def network(self, hidden: str | Activation = "sigmoid", output: str | Activation = "sigmoid") -> Network:
        """The same weights as a depth-2 Network."""
        return Network((self.W1, self.W2), (self.b1, self.b2), hidden, output)

    @staticmethod
    def of(net: Network) -> Params:
        """A depth-2 Network's weights as Params."""
        if net.depth != 2:
            raise ValueError(f"Params hold a 2-layer network; this one has {net.depth} layers")
        return Params(net.Ws[0], net.bs[0], net.Ws[1], net.bs[1])


@dataclass(frozen=True, eq=False)
class ForwardCache:
    """What the forward pass computed, kept for the backward pass.

    X (N, D), Z1 (N, H), A1 (N, H), Z2 (N, C), A2 (N, C).
    """

    X: np.ndarray
    Z1: np.ndarray
    A1: np.ndarray
    Z2: np.ndarray
    A2: np.ndarray


@dataclass(frozen=True, eq=False)
class Grads:
    """Gradients of the mean loss, named after the forward variable they belong to.

    dW1 (D, H), db1 (H,), dW2 (H, C), db2 (C,), delta1 = ∂L/∂Z1 (N, H), delta2 = ∂L/∂Z2 (N, C).
    """

    dW1: np.ndarray
    db1: np.ndarray
    dW2: np.ndarray
    db2: np.ndarray
    delta1: np.ndarray
    delta2: np.ndarray

    def for_params(self) -> dict[str, np.ndarray]:
        """{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}: keyed like Params.as_dict()."""
        return {"W1": self.dW1, "b1": self.db1, "W2": self.dW2, "b2": self.db2}

    def norms(self) -> dict[str, float]:
        """Frobenius norm of each parameter gradient, keyed like Params.as_dict()."""
        return {name: float(np.linalg.norm(g)) for name, g in self.for_params().items()}


# --- the assignment's steps, one function each, each through the layer pairs ----------------------


def linear(X, W, b, *, names: tuple[str, str, str] = ("X", "W", "b")) -> np.ndarray:
    """Z = X·W + b.

    - X: (N, D) inputs, one row per sample (a 1-D X is one sample)
    - W: (D, H) weights
    - b: (H,) or (1, H) bias, added to every row
    Returns Z: (N, H).
    """
    x_name, w_name, b_name = names
    X = as_matrix(x_name, X)
    W = as_matrix(w_name, W)
    check_inner(x_name, X, w_name, W)
    b = as_bias(b_name, b, W.shape[1], against=f"{w_name} has {W.shape[1]} columns")
    return linear_forward(X, W, b)[0]


def output_layer_gradient(A1, delta2) -> np.ndarray:
    """∂L/∂W2 = A1ᵀ·delta2.

    - A1: (N, H) hidden activations
    - delta2: (N, C) ∂L/∂Z2
    Returns dW2: (H, C), the same shape as W2. A1 is transposed so that the sum runs over the N
    samples: dW2[j, k] = Σₙ A1[n, j]·delta2[n, k].
    """
    A1 = as_matrix("A1", A1)
    delta2 = as_matrix("delta2", delta2)
    check_same_rows("A1", A1, "delta2", delta2)
    return linear_backward(delta2, LinearCache(A1, None))[1]


def hidden_delta(delta2, W2, Z1, activation: str | Activation = "sigmoid") -> np.ndarray:
    """delta1 = ∂L/∂Z1 = (delta2·W2ᵀ) ∗ σ′(Z1).

    - delta2: (N, C) ∂L/∂Z2
    - W2: (H, C) hidden-to-output weights (transposed to carry the error from C outputs back to H)
    - Z1: (N, H) hidden pre-activations; σ′ is evaluated at Z1, not at A1
    - activation: the hidden activation σ, by name or as an Activation
    Returns delta1: (N, H).
    """
    act = get_activation(activation)
    delta2 = as_matrix("delta2", delta2)
    W2 = as_matrix("W2", W2)
    Z1 = as_matrix("Z1", Z1)
    if W2.shape[1] != delta2.shape[1]:
        raise ValueError(
            f"W2 has shape {W2.shape} but delta2 has {delta2.shape[1]} columns (shape {delta2.shape}): "
            f"W2 needs {delta2.shape[1]} columns, one per output"
        )
    check_same_rows("delta2", delta2, "Z1", Z1)
    if Z1.shape[1] != W2.shape[0]:
        raise ValueError(
            f"Z1 has shape {Z1.shape} but W2 has {W2.shape[0]} rows (shape {W2.shape}): "
            f"Z1 needs {W2.shape[0]} columns, one per hidden unit"
        )
    dA1 = linear_backward(delta2, LinearCache(None, W2))[0]
    return activation_backward(dA1, activation_forward(Z1, act)[1])


def hidden_layer_gradient(X, delta1) -> np.ndarray:
    """∂L/∂W1 = Xᵀ·delta1.

    - X: (N, D) inputs
    - delta1: (N, H) ∂L/∂Z1
    Returns dW1: (D, H), the same shape as W1: dW1[i, j] = Σₙ X[n, i]·delta1[n, j].
    """
    X = as_matrix("X", X)
    delta1 = as_matrix("delta1", delta1)
    check_same_rows("X", X, "delta1", delta1)
    return linear_backward(delta1, LinearCache(X, None))[1]


def bias_gradient(delta, *, name: str = "delta") -> np.ndarray:
    """∂L/∂b = Σₙ delta[n, :]: the bias is added to every sample's row, so its gradient collects every row.

    - delta: (N, H) ∂L/∂Z of the layer the bias belongs to (delta1 for b1, delta2 for b2)
    Returns db: (H,), the shape of b.
    """
    delta = as_matrix(name, delta)
    return linear_backward(delta, LinearCache(None, None))[2]


@dataclass(frozen=True, eq=False)
class OutputLayer:
    """The output layer run forward, its loss, and the error it sends back, for writing δ2 out.

    - Z2 = A1·W2 + b2 (N, C); A2 = σ(Z2) (N, C)
    - loss: the loss's name; value: L, a mean over the N samples
    - error = A2 − y (N, C); terms (N, C) and divisor: L = terms.sum() / divisor (losses.loss_terms)
    - dA2 = ∂L/∂A2 (N, C); sigma_prime = σ′(Z2) = A2·(1 − A2) (N, C)
    - delta2 = ∂L/∂Z2 = dA2 ∗ σ′(Z2) (N, C); for bce the two 1/(A2(1 − A2)) cancel and delta2 = (A2 − y)/N
    """

    Z2: np.ndarray
    A2: np.ndarray
    loss: str
    value: float
    dA2: np.ndarray
    sigma_prime: np.ndarray
    delta2: np.ndarray
    error: np.ndarray
    terms: np.ndarray
    divisor: float


def output_delta(A1, W2, b2, y, loss: str = "mse") -> OutputLayer:
    """Where δ2 comes from: Z2 = A1·W2 + b2, A2 = σ(Z2), L(A2, y) and δ2 = ∂L/∂Z2 = ∂L/∂A2 ∗ σ′(Z2).

    - A1: (N, H) hidden activations; W2: (H, C); b2: (C,) or (1, C)
    - y: (N, C) targets between 0 and 1 (a 1-D y is one sample's row when N == 1)
    - loss: "mse" = (1/2N)·Σ(A2 − y)² or "bce", both over a sigmoid output
    Returns an OutputLayer; delta2 is what layers.output_loss sends back.
    """
    A1 = as_matrix("A1", A1)
    W2 = as_matrix("W2", W2)
    check_inner("A1", A1, "W2", W2)
    b2 = as_bias("b2", b2, W2.shape[1], against=f"W2 has {W2.shape[1]} columns")
    sigmoid_out = get_output("sigmoid")
    loss_fn = get_loss(loss, sigmoid_out)  # ce needs a softmax output: refused here
    Z2, _ = linear_forward(A1, W2, b2)
    Y = targets(y, Z2.shape[0], Z2.shape[1], loss_fn)
    A2, cache = activation_forward(Z2, sigmoid_out)
    value, delta2 = loss_and_delta(Z2, A2, Y, cache, loss_fn)
    terms, divisor = loss_terms(loss_fn, Z2, A2, Y)
    return OutputLayer(Z2, A2, loss_fn.name, value, loss_gradient(loss_fn, A2, Y), sigmoid_grad(Z2), delta2,
                       A2 - Y, terms, divisor)


# --- whole passes of the 2-layer MLP -------------------------------------------------------------


def _cache_of(net: Network, cache: ForwardCache) -> NetworkCache:
    """A 2-layer ForwardCache as the NetworkCache network_backward reads."""
    hidden, output = get_activation(net.hidden), get_output(net.output)
    return NetworkCache(
        cache.X, [cache.Z1, cache.Z2], [cache.A1, cache.A2],
        [LinearCache(cache.X, net.Ws[0]), LinearCache(cache.A1, net.Ws[1])],
        [ActivationCache(hidden, cache.Z1, cache.A1), ActivationCache(output, cache.Z2, cache.A2)],
    )


def forward(params: Params, X, hidden: str | Activation = "sigmoid",
            output: str | Activation = "sigmoid") -> ForwardCache:
    """Z1 = X·W1 + b1, A1 = hidden(Z1), Z2 = A1·W2 + b2, A2 = output(Z2).

    - params: Params with W1 (D, H), b1 (H,), W2 (H, C), b2 (C,)
    - X: (N, D)
    Returns a ForwardCache with X (N, D), Z1 and A1 (N, H), Z2 and A2 (N, C).
    """
    net = params.network(get_activation(hidden), get_output(output))
    c = forward_unchecked(net, check_inputs(params, X))
    return ForwardCache(c.X, c.Zs[0], c.As[0], c.Zs[1], c.As[1])


def backward_swapped(params: Params, cache: ForwardCache, y, loss: str = "mse", hidden: str | Activation = "sigmoid",
                     output: str | Activation = "sigmoid", swap: Swap | None = None) -> tuple[float, Grads]:
    """``backward`` with some layers' backward functions swapped (see Swap): for planting bugs."""
    net = params.network(get_activation(hidden), get_output(output))
    loss_fn = get_loss(loss, get_output(output))
    N = cache.X.shape[0]
    D, H, C = params.dims
    if cache.X.shape[1] != D or cache.Z1.shape != (N, H) or cache.A2.shape != (N, C):
        raise ValueError(
            f"cache does not match params: X {cache.X.shape}, Z1 {cache.Z1.shape}, A2 {cache.A2.shape} "
            f"but params have D={D}, H={H}, C={C}; pass the cache that forward(params, X) returned"
        )
    Y = targets(y, N, C, loss_fn)
    check_same_shape("cache.A1", cache.A1, "cache.Z1", cache.Z1)
    full = _cache_of(net, cache)
    value, delta2 = loss_and_delta(cache.Z2, cache.A2, Y, full.activation[1], loss_fn)
    (dW1, dW2), (db1, db2), (delta1, delta2) = network_backward(net, full, delta2, swap=swap)
    return value, Grads(dW1, db1, dW2, db2, delta1, delta2)


def backward(params: Params, cache: ForwardCache, y, loss: str = "mse",
             hidden: str | Activation = "sigmoid",
             output: str | Activation = "sigmoid") -> tuple[float, Grads]:
    """The loss of ``cache.A2`` against ``y`` and its gradients, by the chain rule.

    - params: the Params that produced ``cache``
    - cache: ForwardCache from forward(params, X, hidden, output)
    - y: (N, C) targets (a 1-D y is accepted when C == 1 or N == 1)
    - loss: "mse" = (1/2N)·Σ(A2 − y)², or "bce" (binary cross-entropy; needs a sigmoid output)
    Returns (loss_value, Grads) with delta2 = ∂L/∂Z2 (N, C), dW2 = A1ᵀ·delta2 (H, C),
    delta1 = (delta2·W2ᵀ) ∗ σ′(Z1) (N, H), dW1 = Xᵀ·delta1 (D, H), and the biases' gradients
    db2 (C,) and db1 (H,) as the column sums of delta2 and delta1.
    """
    return backward_swapped(params, cache, y, loss, hidden, output)


def predict(model: Params | Network, X, hidden: str | Activation = "sigmoid",
            output: str | Activation = "sigmoid") -> np.ndarray:
    """The network's output for inputs X (N, D): (N, C). A Network uses its own activations."""
    if isinstance(model, Network):
        return network_forward(model, X).output
    return forward(model, X, hidden, output).A2


def init_params(n_in: int, n_hidden: int, n_out: int, seed: int = 0, scale: float = 1.0) -> Params:
    """Random weights W ~ N(0, scale²), zero biases, from numpy's seeded default_rng.

    Returns Params with W1 (n_in, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_out), b2 (n_out,).
    The same arguments always give the same Params.
    """
    D = positive_int("n_in", n_in)
    H = positive_int("n_hidden", n_hidden)
    C = positive_int("n_out", n_out)
    scale = finite_float("scale", scale, minimum=0.0)
    rng = np.random.default_rng(seed_value("seed", seed))
    W1 = rng.standard_normal((D, H)) * scale
    W2 = rng.standard_normal((H, C)) * scale
    return Params(W1, np.zeros(H), W2, np.zeros(C))
