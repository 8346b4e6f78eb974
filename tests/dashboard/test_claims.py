"""Tests of dashboard.claims: the sentences the pages build from their numbers say what the numbers do."""
import pytest

from dashboard import claims


@pytest.mark.parametrize("before, after, said", [
    (0.2998, 0.251, "The loss fell from 0.2998 to 0.251 (by 16.3%)."),
    (0.1, 0.2, "The loss rose from 0.1 to 0.2 (by 100.0%)."),
    (0.3, 0.3, "The loss did not change: it is 0.3 before and after the step."),
    (0.29983181, 0.29983179, "The loss fell from 0.29983181 to 0.29983179 (by less than 0.001%)."),
    (0.3, 0.29996, "The loss fell from 0.3 to 0.29996 (by 0.013%)."),
])
def test_loss_change_says_what_the_numbers_do(before, after, said):
    assert claims.loss_change(before, after) == said


@pytest.mark.parametrize("losses, said", [
    ([0.3, 0.2, 0.1], "After step 3 the loss is 0.1: it fell at every step, from 0.3 after step 1."),
    ([0.29983181, 0.2998318, 0.29983179], "After step 3 the loss is 0.29983179: it fell at every step, "
                                          "from 0.29983181 after step 1."),
    ([0.3, 0.4, 0.1], "After step 3 the loss is 0.1, from 0.3 after step 1; it rose at step 2: η is too large for "
                      "this example."),
    ([0.3, 0.3, 0.1], "After step 3 the loss is 0.1: it never rose, and at some steps it did not change."),
])
def test_descent_summary_says_what_the_numbers_do(losses, said):
    assert claims.descent_summary(losses, first_step=2) == said


def test_the_norms_caption_says_which_norms_have_no_dot_and_why():
    assert claims.undrawn_norms_caption([1e-3, 2e-3], 40) == ""
    text = claims.undrawn_norms_caption([0.0, float("inf")], 141)
    assert text == ("‖∂L/∂W1‖ is exactly 0 at epoch 141, which a log scale cannot show (marked 0 on the chart). "
                    "‖∂L/∂W2‖ is not finite at epoch 141: the network has diverged.")
    assert claims.undrawn_norms_caption([0.0, 0.0, 1.0], 3).startswith("‖∂L/∂W1‖, ‖∂L/∂W2‖ are exactly 0 at epoch 3")
