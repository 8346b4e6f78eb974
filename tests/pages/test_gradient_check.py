"""AppTest tests of the /gradient-check page: the gradients agree for every head, and a planted bug is caught."""
import numpy as np
import pytest

from dashboard.lab.controls import HEAD_LABELS
from tests.apptest import heatmaps, no_exception, open_page


def test_gradient_check_page_agrees_then_catches_a_planted_bug():
    at = open_page("gradient-check")
    no_exception(at)
    assert any("the gradients agree" in s.value for s in at.success)
    at.toggle(key="_widget_gc_break").set_value(True).run()
    at.selectbox(key="_widget_gc_bug").set_value("dW2_sign").run()
    no_exception(at)
    assert any("probably wrong" in e.value for e in at.error)
    analytic = next(v for k, v in heatmaps(at).items() if k.startswith("∂L/∂W2 by backprop"))
    numerical = next(v for k, v in heatmaps(at).items() if k.startswith("∂L/∂W2 by centred"))
    np.testing.assert_allclose(analytic, -numerical, rtol=1e-5)


@pytest.mark.parametrize("head", list(HEAD_LABELS))
def test_gradient_check_page_agrees_for_every_output_and_loss(head):
    """Each head the page offers gets targets its loss accepts (softmax + ce needs one-hot rows)."""
    at = open_page("gradient-check")
    at.selectbox(key="_widget_gc_head").set_value(head).run()
    no_exception(at)
    assert any("the gradients agree" in s.value for s in at.success), head
