"""AppTest tests of the overview page (app.py): stepping through the network walk-through."""
from dashboard.numbers import short
from tests._examples import STEP
from tests.apptest import no_exception, open_page
from tests.pages._helpers import annotations


def test_the_overview_steps_through_the_network():
    at = open_page(None)
    no_exception(at)
    slider = at.select_slider(key="overview_net_step")
    assert slider.value == "inputs"
    next(b for b in at.button if b.key == "overview_net_forward").click().run()
    assert at.select_slider(key="overview_net_step").value == "z1"
    assert "z 1.6" in annotations(at)
    assert any("Step 2 of 10 · Weights and bias into the hidden layer" in m.value for m in at.markdown)
    at.select_slider(key="overview_net_step").set_value("update").run()
    assert f"L {short(STEP.loss_after)}" in annotations(at)
    at.selectbox(key="overview_net_edge").set_value("W2[2,2]").run()
    assert any(r"0.95 \times (-0.3)" in el.value for el in at.latex)
