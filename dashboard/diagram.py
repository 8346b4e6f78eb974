"""The network as a Plotly graph that steps through one training step: forward, backward, update.

Plain functions from a Solution (and its Update) to the steps of the walk-through and to a figure, so
that they are tested without a browser. Each GraphStep lights one group of nodes and edges, names its
formula with the numbers, and dims the rest; every weight and bias edge carries an invisible marker
with its parameter and position, so that a click on it selects it (see edge_from_selection), as a click
on a heatmap cell does.

Nodes: x1 … xD (inputs), h1 … hH (hidden units), o1 … oC (outputs), L (the loss), and a "+1" node per
layer whose edges are the biases. The nodes show sample 1's values; the formulas show every sample.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from backprop.assignment import OUTPUT_LOSSES, Solution, Update
from dashboard.figures import DIVERGING, HIGHLIGHT, selected_customdata
from dashboard.numbers import short, tex
from dashboard.steps import db_cell, dW1_cell, dW2_cell, matrix


def _hex(rgb: str) -> str:
    """'rgb(33,102,172)' → '#2166ac'."""
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1:-1].split(","))
    return f"#{r:02x}{g:02x}{b:02x}"


NEGATIVE, POSITIVE = _hex(DIVERGING[1][1]), _hex(DIVERGING[-2][1])
DIM = "#c8c8c8"
INK = "#222222"
FILL = {"x": "#eeeeee", "h": "#e8e0f4", "o": "#fdf0e0", "L": "#f6e1e1", "b": "#ffffff"}
#: Font sizes in pixels: every label is at least 12 px, readable when the figure is 1400 px wide.
NODE_FONT, VALUE_FONT, EDGE_FONT = 17, 15, 14
COMPACT_FONTS = (14, 13, 12)

#: The phases of the walk, in order.
PHASES = ("forward", "backward", "update")


@dataclass(frozen=True)
class Edge:
    """One edge: a parameter entry ("W1", i, j), ("b1", j), ("W2", j, k), ("b2", k), or ("L", k) (output k
    into the loss, not a parameter)."""

    param: str
    index: tuple[int, ...]

    @property
    def key(self) -> str:
        return f"{self.param}[{','.join(str(i + 1) for i in self.index)}]"

    @property
    def is_parameter(self) -> bool:
        return self.param != "L"


@dataclass(frozen=True)
class GraphStep:
    """One step of the walk-through.

    - key, short: an identifier and a label for the step selector ("z1", "Z1")
    - title: what happens, in words; phase: "forward", "backward" or "update"
    - formula: LaTeX with the numbers (every sample)
    - nodes, edges: what is lit; node_text, edge_text: the value written beside each lit node and edge
    - note: one sentence on what the step means (built from the numbers)
    - edge_values: the number each lit parameter edge carries (a weight, a gradient, a new weight): its sign
      colours the edge and its size sets the width
    """

    key: str
    short: str
    title: str
    phase: str
    formula: str
    nodes: frozenset[str]
    edges: frozenset[Edge]
    node_text: dict[str, str] = field(default_factory=dict)
    edge_text: dict[Edge, str] = field(default_factory=dict)
    note: str = ""
    edge_values: dict[Edge, float] = field(default_factory=dict)


def _sizes(sol: Solution) -> tuple[int, int, int]:
    D, H = sol.inputs.W1.shape
    return D, H, sol.inputs.W2.shape[1]


def edges_of(sol: Solution, *params: str) -> frozenset[Edge]:
    """Every edge of the named parameters ("W1", "b1", "W2", "b2", "L")."""
    D, H, C = _sizes(sol)
    out: set[Edge] = set()
    for param in params:
        if param == "W1":
            out |= {Edge("W1", (i, j)) for i in range(D) for j in range(H)}
        elif param == "W2":
            out |= {Edge("W2", (j, k)) for j in range(H) for k in range(C)}
        elif param == "b1":
            out |= {Edge("b1", (j,)) for j in range(H)}
        elif param in ("b2", "L"):
            out |= {Edge(param, (k,)) for k in range(C)}
    return frozenset(out)


def parameter_edges(sol: Solution) -> list[Edge]:
    """Every weight and bias edge, in the order W1, b1, W2, b2 (for an edge selector)."""
    D, H, C = _sizes(sol)
    return ([Edge("W1", (i, j)) for i in range(D) for j in range(H)] + [Edge("b1", (j,)) for j in range(H)]
            + [Edge("W2", (j, k)) for j in range(H) for k in range(C)] + [Edge("b2", (k,)) for k in range(C)])


def edge_ends(edge: Edge) -> tuple[str, str]:
    """The node ids an edge joins."""
    if edge.param == "W1":
        return f"x{edge.index[0]}", f"h{edge.index[1]}"
    if edge.param == "b1":
        return "b1", f"h{edge.index[0]}"
    if edge.param == "W2":
        return f"h{edge.index[0]}", f"o{edge.index[1]}"
    if edge.param == "b2":
        return "b2", f"o{edge.index[0]}"
    return f"o{edge.index[0]}", "L"


def node_name(node: str) -> str:
    """What a node is called on screen: x1, h2, out 1, L, +1."""
    if node in ("b1", "b2"):
        return "+1"
    if node == "L":
        return "L"
    kind, number = node[0], int(node[1:]) + 1
    return {"x": f"x{number}", "h": f"h{number}", "o": f"out {number}"}[kind]


def edge_label(edge: Edge) -> str:
    """'W1[1,2]: x1 → h2' for the edge selector."""
    start, end = edge_ends(edge)
    return f"{edge.key}: {node_name(start)} → {node_name(end)}"


def _letter(edge: Edge) -> str:
    """How an edge's parameter is written beside it: w for a weight, b for a bias."""
    return "w" if edge.param.startswith("W") else "b"


def _value(sol: Solution, edge: Edge, which: str) -> float:
    """An edge's weight ("w") or gradient ("grad") from the solution."""
    if which == "w":
        M = {"W1": sol.inputs.W1, "b1": sol.inputs.b1, "W2": sol.inputs.W2, "b2": sol.inputs.b2}[edge.param]
    else:
        M = {"W1": sol.dW1, "b1": sol.db1, "W2": sol.dW2, "b2": sol.db2}[edge.param]
    return float(M[edge.index])


def graph_steps(sol: Solution, update: Update | None = None, *, reveal: bool = True) -> list[GraphStep]:
    """The walk: the forward pass (inputs, Z1, A1, Z2, A2 and L), the backward pass (δ2, ∂L/∂W2 and ∂L/∂b2, δ1,
    ∂L/∂W1 and ∂L/∂b1) and, with ``update``, the step W ← W − η·∂L/∂W.

    The forward pass is the network's real one (A1 = σ(Z1)); the backward pass uses the mode's δ2 and δ1.
    With ``reveal`` False only what the problems give is shown (inputs, weights, targets, a given δ2): the
    computed values are "?" and the formulas have no numbers.
    """
    D, H, C = _sizes(sol)
    inp = sol.inputs
    N = inp.X.shape[0]
    given = sol.mode == "assignment"
    xs, hs, os_ = ({f"x{i}" for i in range(D)}, {f"h{j}" for j in range(H)}, {f"o{k}" for k in range(C)})

    def val(v: float) -> str:
        return short(v) if reveal else "?"

    def eq(symbolic: str, numbers: str) -> str:
        return f"{symbolic} = {numbers}" if reveal else symbolic

    def each(nodes, prefix, values) -> dict[str, str]:
        return {f"{prefix}{i}": values(i) for i in range(len(nodes))}

    params = edges_of(sol, "W1", "b1", "W2", "b2")
    weights = {e: _value(sol, e, "w") for e in params}
    grads = {e: _value(sol, e, "grad") for e in params}
    w_text = {e: f"{_letter(e)} {short(weights[e])}" for e in params}
    grad_text = {e: f"∂ {val(grads[e])}" for e in params}

    def only(values: dict[Edge, float], *names: str) -> dict[Edge, float]:
        return {e: v for e, v in values.items() if e.param in names}

    loss_name = OUTPUT_LOSSES[sol.loss].split(",")[0]
    sample = " (sample 1 on the nodes)" if N > 1 else ""
    steps = [
        GraphStep("inputs", "X", "The inputs enter", "forward", rf"X = {matrix(inp.X)}", frozenset(xs), frozenset(),
                  each(xs, "x", lambda i: short(inp.X[0, i])),
                  note=f"Each input node holds one feature of a sample{sample}."),
        GraphStep("z1", "Z1", "Weights and bias into the hidden layer", "forward",
                  eq(r"Z_1 = X W_1 + b_1", matrix(sol.Z1)), frozenset(xs | hs | {"b1"}), edges_of(sol, "W1", "b1"),
                  each(hs, "h", lambda j: f"z {val(sol.Z1[0, j])}"), {e: w_text[e] for e in edges_of(sol, "W1", "b1")},
                  note="Each hidden unit adds up its inputs times their weights, plus its bias (the edge from +1).",
                  edge_values=only(weights, "W1", "b1")),
        GraphStep("a1", "A1", "The hidden units fire", "forward",
                  eq(r"A_1 = \sigma(Z_1)", matrix(sol.A1_computed)), frozenset(hs), frozenset(),
                  each(hs, "h", lambda j: f"a {val(sol.A1_computed[0, j])}"),
                  note=("The assignment assumes a rounder A1 = " + short_row(inp.A1_given) + " for Problem 3; the "
                        "network's own is σ(Z1)." if given else "σ squashes each pre-activation into (0, 1).")),
        GraphStep("z2", "Z2", "Weights and bias into the outputs", "forward",
                  eq(r"Z_2 = A_1 W_2 + b_2", matrix(sol.Z2)), frozenset(hs | os_ | {"b2"}), edges_of(sol, "W2", "b2"),
                  each(os_, "o", lambda k: f"z {val(sol.Z2[0, k])}"), {e: w_text[e] for e in edges_of(sol, "W2", "b2")},
                  note="The same sum one layer up, from A1 = σ(Z1).", edge_values=only(weights, "W2", "b2")),
        GraphStep("loss", "A2, L", "The output and the loss", "forward",
                  stacked(eq(r"A_2 = \sigma(Z_2)", matrix(sol.A2)), rf"y = {matrix(inp.y)}", eq("L", tex(sol.L))),
                  frozenset(os_ | {"L"}), edges_of(sol, "L"),
                  each(os_, "o", lambda k: f"a {val(sol.A2[0, k])}  y {short(inp.y[0, k])}") | {"L": f"L {val(sol.L)}"},
                  note=f"The {loss_name} compares each output with its target y: one number for the batch."),
        GraphStep("delta2", "δ2", "The error at the outputs", "backward",
                  (rf"\delta_2 = {matrix(sol.delta2)}\ \text{{(given)}}" if given else
                   eq(r"\delta_2 = \frac{\partial L}{\partial A_2} \ast \sigma'(Z_2)", matrix(sol.delta2))),
                  frozenset(os_ | {"L"}), edges_of(sol, "L"),
                  each(os_, "o", lambda k: f"δ {short(sol.delta2[0, k]) if given else val(sol.delta2[0, k])}"),
                  note=("The assignment gives δ2; from y the loss would give " + (short_row(sol.delta2_computed)
                        if reveal else "another") + "." if given else
                        "Backpropagation starts here: how the loss changes with each output's pre-activation.")),
        GraphStep("dW2", "∂W2, ∂b2", "Gradients of the output layer", "backward",
                  stacked(eq(r"\frac{\partial L}{\partial W_2} = A_1^T \delta_2", matrix(sol.dW2)),
                          eq(r"\frac{\partial L}{\partial b_2} = \sum_n \delta_2", matrix(sol.db2))),
                  frozenset(hs | os_ | {"b2"}), edges_of(sol, "W2", "b2"), {},
                  {e: grad_text[e] for e in edges_of(sol, "W2", "b2")},
                  note=("Each weight's gradient is what flows into it (A1" + (", the assumed one" if given else "")
                        + ") times the error at its end (δ2); a bias's input is 1."),
                  edge_values=only(grads, "W2", "b2") if reveal else {}),
        GraphStep("delta1", "δ1", "The error carried back to the hidden layer", "backward",
                  (rf"\delta_1 = {matrix(sol.delta1)}\ \text{{(given)}}" if given else
                   eq(r"\delta_1 = (\delta_2 W_2^T) \ast \sigma'(Z_1)", matrix(sol.delta1))),
                  frozenset(hs | os_), edges_of(sol, "W2"),
                  each(hs, "h", lambda j: f"δ {short(sol.delta1[0, j]) if given else val(sol.delta1[0, j])}"),
                  {e: w_text[e] for e in edges_of(sol, "W2")},
                  note=("The assignment gives δ1; propagating its δ2 back through W2 and σ′(Z1) would give "
                        + (short_row(sol.delta1_computed) if reveal else "another") + "." if given else
                        "The same weights W2 carry the error back, each hidden unit scaled by its slope σ′(Z1)."),
                  edge_values=only(weights, "W2")),
        GraphStep("dW1", "∂W1, ∂b1", "Gradients of the hidden layer", "backward",
                  stacked(eq(r"\frac{\partial L}{\partial W_1} = X^T \delta_1", matrix(sol.dW1)),
                          eq(r"\frac{\partial L}{\partial b_1} = \sum_n \delta_1", matrix(sol.db1))),
                  frozenset(xs | hs | {"b1"}), edges_of(sol, "W1", "b1"), {},
                  {e: grad_text[e] for e in edges_of(sol, "W1", "b1")},
                  note="Input times the hidden unit's error, for every weight of the first layer.",
                  edge_values=only(grads, "W1", "b1") if reveal else {}),
    ]
    if update is not None:
        new = update.after
        after = {"W1": new.W1, "b1": new.b1, "W2": new.W2, "b2": new.b2}
        all_edges = edges_of(sol, "W1", "b1", "W2", "b2")
        change = "fell" if update.loss_after < update.loss_before else "rose"
        steps.append(GraphStep(
            "update", "update", "One gradient-descent step", "update",
            stacked(rf"W \leftarrow W - {tex(update.lr)}\,\frac{{\partial L}}{{\partial W}}",
                    eq("L", rf"{tex(update.loss_before)} \to {tex(update.loss_after)}")),
            frozenset(xs | hs | os_ | {"b1", "b2", "L"}), all_edges, {"L": f"L {val(update.loss_after)}"},
            {e: f"{_letter(e)} {val(float(after[e.param][e.index]))}" for e in all_edges},
            note=(f"Every weight and bias moves against its gradient (η = {short(update.lr)}); the loss {change}."
                  if reveal else "Every weight and bias moves against its gradient."),
            edge_values={e: float(after[e.param][e.index]) for e in all_edges} if reveal else {}))
    return steps


def stacked(*parts: str) -> str:
    """Several formulas one under another (so that a narrow screen never has to scroll sideways)."""
    return r"\begin{gathered} " + r" \\ ".join(parts) + r" \end{gathered}"


def short_row(M) -> str:
    """(0.9, 0.95): the first row of a matrix, in prose."""
    return "(" + ", ".join(short(v) for v in np.atleast_2d(M)[0]) + ")"


def positions(sol: Solution) -> dict[str, tuple[float, float]]:
    """(x, y) of every node: inputs at x = 0, hidden units at 1, outputs at 2, the loss at 2.75; each "+1"
    node below the column that feeds the next layer."""
    D, H, C = _sizes(sol)
    rows = max(D, H, C)
    pos: dict[str, tuple[float, float]] = {}
    for column, prefix, count in ((0.0, "x", D), (1.0, "h", H), (2.0, "o", C)):
        for i in range(count):
            pos[f"{prefix}{i}"] = (column, (count - 1) / 2 - i)
    bottom = -(rows - 1) / 2 - 1.0
    pos["b1"], pos["b2"] = (0.0, bottom), (1.0, bottom)
    pos["L"] = (2.75, 0.0)
    return pos


#: Where along an edge its label sits (from its start): apart from the labels of the edges it crosses.
LABEL_AT = {"W1": 0.3, "b1": 0.3, "W2": 0.3, "b2": 0.3, "L": 0.5}


def label_position(edge: Edge, pos: dict[str, tuple[float, float]]) -> tuple[float, float]:
    (x0, y0), (x1, y1) = (pos[n] for n in edge_ends(edge))
    t = LABEL_AT[edge.param]
    return x0 + t * (x1 - x0), y0 + t * (y1 - y0)


def network_figure(sol: Solution, step: GraphStep, *, compact: bool = False, height: int | None = None) -> go.Figure:
    """The network with ``step`` lit: its nodes outlined and filled, its edges coloured by the sign of the value
    they carry (blue negative, red positive) and thicker the larger it is, the rest grey and faint. Every
    parameter edge carries an invisible marker at its label with customdata [param, index…] for clicks."""
    pos = positions(sol)
    node_font, value_font, edge_font = COMPACT_FONTS if compact else (NODE_FONT, VALUE_FONT, EDGE_FONT)
    traces: list[go.Scatter] = []
    # dim edges first, as one trace of segments
    dim_x: list[float | None] = []
    dim_y: list[float | None] = []
    every = parameter_edges(sol) + sorted(edges_of(sol, "L"), key=lambda e: e.index)
    for edge in every:
        if edge in step.edges:
            continue
        (x0, y0), (x1, y1) = (pos[n] for n in edge_ends(edge))
        dim_x += [x0, x1, None]
        dim_y += [y0, y1, None]
    traces.append(go.Scatter(x=dim_x, y=dim_y, mode="lines", line={"color": DIM, "width": 1.2}, hoverinfo="skip",
                             showlegend=False, opacity=0.7))
    lit = [e for e in every if e in step.edges]
    largest = max((abs(v) for v in step.edge_values.values()), default=0.0)
    for edge in lit:
        (x0, y0), (x1, y1) = (pos[n] for n in edge_ends(edge))
        v = step.edge_values.get(edge)
        colour = INK if v is None or v == 0 else (NEGATIVE if v < 0 else POSITIVE)
        width = 2.0 + (4.0 * abs(v) / largest if v is not None and largest > 0 else 0.0)
        traces.append(go.Scatter(x=[x0, x1], y=[y0, y1], mode="lines", line={"color": colour, "width": width},
                                 hoverinfo="skip", showlegend=False))
    # nodes
    names = list(pos)
    on = [n in step.nodes for n in names]
    traces.append(go.Scatter(
        x=[pos[n][0] for n in names], y=[pos[n][1] for n in names], mode="markers+text",
        # opacity 1 given: left out, plotly.js drew these points at 0.7 and the lit edges showed through the labels
        marker={"size": [34 if n in ("b1", "b2") else (44 if compact else 52) for n in names], "opacity": 1,
                "symbol": ["square" if n in ("b1", "b2") else "circle" for n in names],
                "color": [FILL[n[0]] if lit_ else "#f7f7f7" for n, lit_ in zip(names, on, strict=True)],
                "line": {"color": [HIGHLIGHT if lit_ else DIM for lit_ in on],
                         "width": [4 if lit_ else 1.5 for lit_ in on]}},
        text=[node_name(n) for n in names],
        textfont={"size": node_font, "color": [INK if lit_ else "#9a9a9a" for lit_ in on]},
        hoverinfo="skip", showlegend=False,
    ))
    # clickable markers on the parameter edges
    params = parameter_edges(sol)
    spots = [label_position(e, pos) for e in params]
    traces.append(go.Scatter(
        x=[p[0] for p in spots], y=[p[1] for p in spots], mode="markers",
        marker={"size": 26, "opacity": 0.01, "color": "black", "line": {"width": 0}},
        customdata=[[e.param, *e.index] for e in params],
        text=[edge_label(e) for e in params],
        hovertemplate="%{text}<br>click: the chain rule for this gradient<extra></extra>", showlegend=False,
    ))
    annotations = []
    for node, text in step.node_text.items():
        x, y = pos[node]
        annotations.append({"x": x, "y": y, "text": text, "showarrow": False, "yshift": -(34 if compact else 40),
                            "font": {"size": value_font, "color": INK}, "bgcolor": "rgba(255,255,255,0.85)"})
    for edge, text in step.edge_text.items():
        x, y = label_position(edge, pos)
        annotations.append({"x": x, "y": y, "text": text, "showarrow": False,
                            "font": {"size": edge_font, "color": INK}, "bgcolor": "rgba(255,255,255,0.9)"})
    D, H, C = _sizes(sol)
    rows = max(D, H, C)
    fig_height = height or (70 * (rows + 2) + 60 if compact else 95 * (rows + 2) + 60)
    return go.Figure(traces, layout={
        "title": {"text": ""}, "height": fig_height, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "plot_bgcolor": "white",
        "xaxis": {"visible": False, "range": [-0.35, 3.05], "fixedrange": True},
        "yaxis": {"visible": False, "range": [-(rows - 1) / 2 - 1.5, (rows - 1) / 2 + 0.55], "fixedrange": True},
        "annotations": annotations, "dragmode": False, "hovermode": "closest",
    })


def edge_from_selection(event) -> Edge | None:
    """The parameter edge a click on network_figure selected, from st.plotly_chart's selection event."""
    for data in selected_customdata(event):
        if data and data[0] in ("W1", "b1", "W2", "b2"):
            try:
                return Edge(str(data[0]), tuple(int(i) for i in data[1:]))
            except (TypeError, ValueError):
                return None
    return None


def edge_chain_rule(sol: Solution, edge: Edge) -> str:
    """The scalar chain rule of a parameter edge's gradient, with the numbers (latex's cell formulas)."""
    if edge.param == "W1":
        return dW1_cell(sol, *edge.index)
    if edge.param == "W2":
        return dW2_cell(sol, *edge.index)
    if edge.param in ("b1", "b2"):
        return db_cell(sol, int(edge.param[1]), edge.index[0])
    raise ValueError(f"edge {edge.key} is not a parameter: it has no gradient")
