"""Worked examples shared by the dashboard and page tests: the assignment's network solved in its own mode,
and one gradient step (η = 0.5) from that solution. Numpy only."""
from backprop import assignment as a

SOL = a.solve(a.DEFAULT_INPUTS, "assignment")
STEP = a.gradient_step(SOL, 0.5)
