"""Tests of dashboard.diagram: the network walk-through, tested without a browser.

The steps in order, what each lights and says, the figure's colours and label sizes, and a click on an edge. The pages
that show it: tests/pages/test_overview.py and tests/pages/test_all_pages.py."""
import pytest

from backprop import assignment as a
from dashboard import diagram, steps
from dashboard.numbers import short
from tests._examples import SOL, STEP


def by_key(sol=SOL, update=STEP, reveal=True):
    return {s.key: s for s in diagram.graph_steps(sol, update, reveal=reveal)}


def test_the_walk_goes_forward_then_backward_then_updates():
    worked = diagram.graph_steps(SOL, STEP)
    assert [s.key for s in worked] == ["inputs", "z1", "a1", "z2", "loss", "delta2", "dW2", "delta1", "dW1", "update"]
    phases = [s.phase for s in worked]
    assert phases == sorted(phases, key=diagram.PHASES.index)  # all forward, then all backward, then the update
    assert [s.key for s in diagram.graph_steps(SOL)][-1] == "dW1"  # no update without one


def test_each_step_lights_its_group_and_writes_the_packages_numbers():
    worked = by_key()
    assert worked["z1"].nodes >= {"x0", "x1", "h0", "h1", "b1"} and "o0" not in worked["z1"].nodes
    assert worked["z1"].edges == diagram.edges_of(SOL, "W1", "b1")
    assert worked["z1"].node_text == {"h0": "z 1.6", "h1": "z 2.2"}
    assert r"\begin{pmatrix} 1.6 & 2.2 \end{pmatrix}" in worked["z1"].formula
    assert worked["dW2"].edges == diagram.edges_of(SOL, "W2", "b2")
    assert worked["dW2"].edge_text[diagram.Edge("W2", (1, 1))] == "∂ -0.285"
    assert worked["dW2"].edge_text[diagram.Edge("b2", (0,))] == "∂ 0.2"
    assert worked["dW1"].edge_values[diagram.Edge("W1", (0, 0))] == SOL.dW1[0, 0]
    # the forward pass is the network's own (A1 = σ(Z1)), the backward pass this mode's: δ2 as given
    assert worked["a1"].node_text["h0"] == f"a {short(SOL.A1_computed[0, 0])}" and "(0.9, 0.95)" in worked["a1"].note
    assert "(given)" in worked["delta2"].formula and short(SOL.delta2_computed[0, 0]) in worked["delta2"].note
    consistent = by_key(a.solve(mode="consistent"), None)
    assert "(given)" not in consistent["delta2"].formula
    assert consistent["delta2"].node_text["o0"] == f"δ {short(a.solve(mode='consistent').delta2[0, 0])}"


@pytest.mark.parametrize("lr, verb", [(0.5, "fell"), (30.0, "rose")])
def test_the_update_step_says_what_the_loss_did(lr, verb):
    inputs = a.DEFAULT_INPUTS.with_values(y=[[0.5, 0.5]])
    sol = a.solve(inputs, "consistent")
    update = a.gradient_step(sol, lr)
    step = by_key(sol, update)["update"]
    assert (update.loss_after < update.loss_before) == (verb == "fell")
    assert step.note.endswith(f"the loss {verb}.")
    assert step.edge_text[diagram.Edge("W2", (0, 0))] == f"w {short(update.after.W2[0, 0])}"
    assert step.node_text["L"] == f"L {short(update.loss_after)}"


def test_hidden_solutions_show_only_what_the_problems_give():
    worked = diagram.graph_steps(SOL, STEP, reveal=False)
    every = " ".join([*(t for s in worked for t in s.node_text.values()),
                      *(t for s in worked for t in s.edge_text.values()), *(s.formula for s in worked)])
    for answer in ("1.6", "0.832", "0.18", "-0.285", "0.251"):
        assert answer not in every, answer
    assert "w 0.1" in every and "δ 0.2" in every  # the weights, and δ2 as the assignment gives it
    assert "z ?" in every and "∂ ?" in every


def test_the_figure_dims_the_rest_colours_by_sign_and_keeps_labels_readable():
    step = by_key()["dW2"]
    fig = diagram.network_figure(SOL, step)
    lines = [t for t in fig.data if t.mode == "lines"]
    assert lines[0].line.color == diagram.DIM  # everything unlit, in one faint trace
    lit = lines[1:]
    assert len(lit) == len(step.edges)
    colours = {t.line.color for t in lit}
    assert colours == {diagram.NEGATIVE, diagram.POSITIVE}  # ∂L/∂W2 has both signs
    sizes = [ann.font.size for ann in fig.layout.annotations]
    sizes += [t.textfont.size for t in fig.data if t.textfont and t.textfont.size]
    assert sizes and min(sizes) >= 12
    compact = diagram.network_figure(SOL, step, compact=True)
    assert min(ann.font.size for ann in compact.layout.annotations) >= 12
    nodes = next(t for t in fig.data if t.mode == "markers+text")
    lit_outline = [c for c, n in zip(nodes.marker.line.color, ("x0", "x1", "h0", "h1", "o0", "o1", "b1", "b2", "L"),
                                     strict=True) if n in step.nodes]
    assert set(lit_outline) == {diagram.HIGHLIGHT}
    # nodes come after the edges and are opaque, so that the edges end under them and not across their labels
    assert fig.data.index(nodes) > max(fig.data.index(t) for t in lines) and nodes.marker.opacity == 1


def test_a_click_on_an_edge_names_it_and_opens_its_chain_rule():
    fig = diagram.network_figure(SOL, by_key()["inputs"])
    markers = next(t for t in fig.data if t.mode == "markers")
    assert len(markers.customdata) == len(diagram.parameter_edges(SOL)) == 4 + 2 + 4 + 2
    event = {"selection": {"points": [{"customdata": list(markers.customdata[5])}]}}
    edge = diagram.edge_from_selection(event)
    assert edge == diagram.Edge("b1", (1,)) and diagram.edge_label(edge) == "b1[2]: +1 → h2"
    assert diagram.edge_chain_rule(SOL, edge) == steps.db_cell(SOL, 1, 1)
    assert diagram.edge_chain_rule(SOL, diagram.Edge("W2", (1, 1))) == steps.dW2_cell(SOL, 1, 1)
    assert diagram.edge_from_selection({"selection": {"points": [{"customdata": [1, 0]}]}}) is None
    assert diagram.edge_from_selection(None) is None
    with pytest.raises(ValueError, match="not a parameter"):
        diagram.edge_chain_rule(SOL, diagram.Edge("L", (0,)))


@pytest.mark.parametrize("dims", [(1, 2, 2, 2), (3, 4, 3, 1), (4, 4, 4, 4)])
def test_every_size_has_a_position_for_every_node_and_edge(dims):
    sol = a.solve(a.DEFAULT_INPUTS.resized(*dims), "consistent")
    worked = diagram.graph_steps(sol, a.gradient_step(sol, 0.5))
    pos = diagram.positions(sol)
    for step in worked:
        assert step.nodes <= set(pos)
        for edge in step.edges:
            assert all(end in pos for end in diagram.edge_ends(edge))
        fig = diagram.network_figure(sol, step, compact=True)
        assert fig.layout.height > 0
