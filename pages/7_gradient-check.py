"""Gradient check: backprop's analytic gradients against numerical ones, and a planted bug caught."""
import streamlit as st

import backprop as bp
from dashboard import demos, display, editors, nav, presenter, state
from dashboard.lab.controls import HEAD_LABELS
from dashboard.presenting import Projector
from dashboard.tables import gradient_entries_frame, rel_error_bands_frame

page = nav.page_setup("gradient-check", "Gradient check", example_page=False)
st.title("Gradient check")
DEMOS = ("Backprop against centred differences", "Side by side, entry by entry", "Break it: plant a bug")
shows = presenter.demos(page, DEMOS)  # the whole page, or on a projector the demo on the slide
FORMULA = (r"\frac{\partial L}{\partial \theta_i} \approx \frac{L(\theta + h\,e_i) - L(\theta - h\,e_i)}{2h}, "
           r"\qquad \text{rel. error} = \max_i \frac{|a_i - n_i|}{\max(10^{-8},\ |a_i| + |n_i|)}")
if not page.presenter:
    st.markdown(
        "How do you know a hand-written backward pass is right? Nudge each parameter up and down by a small h, "
        "measure how the loss changes, and compare that slope with what backprop says. Agreement to many digits "
        "means the chain rule was applied correctly."
    )
    display.latex(FORMULA)

# On a projector the settings wait in a box of their own, so that each demo keeps the screen.
settings = st.popover("Settings", icon=":material/tune:") if page.presenter else st.container()
with settings:
    c1, c2, c3, c4 = st.columns(4)
    hidden = state.remembered(c1.selectbox, "Hidden activation", "gc_hidden", "sigmoid", options=list(bp.ACTIVATIONS))
    head = state.remembered(c2.selectbox, "Output and loss", "gc_head", next(iter(HEAD_LABELS)),
                            options=list(HEAD_LABELS))
    h = state.remembered(c3.select_slider, "Step h", "gc_h", 1e-5, options=[1e-3, 1e-4, 1e-5, 1e-6, 1e-7],
                         format_func=lambda v: f"{v:.0e}")
    seed = editors.number_field("Seed", "gc_seed", default=0, minimum=0, maximum=10_000, integer=True, container=c4)
    s1, s2, s3, s4 = st.columns(4)
    N = state.remembered(s1.slider, "Samples N", "gc_N", 4, min_value=1, max_value=6)
    D = state.remembered(s2.slider, "Inputs D", "gc_D", 3, min_value=1, max_value=6)
    H = state.remembered(s3.slider, "Hidden units H", "gc_H", 4, min_value=1, max_value=6)
    C = state.remembered(s4.slider, "Outputs C", "gc_C", 2, min_value=1, max_value=4)
with settings if not shows(2) else st.container():  # "Break it" is the third demo itself
    b1, b2 = st.columns([1, 3])
    broken = state.remembered(b1.toggle, "Break it", "gc_break", False,
                              help="Plant a typical bug in the backward pass.")
    bug = state.remembered(b2.selectbox, "Bug to plant (with Break it on)", "gc_bug", next(iter(bp.BUGS)),
                           options=list(bp.BUGS), format_func=lambda b: bp.BUGS[b].label)
if broken and shows(2):
    st.caption(bp.BUGS[bug].explanation)

output, loss = HEAD_LABELS[head]
params, X, y = demos.random_problem(N, D, H, C, int(seed), loss=loss)
check = bp.gradient_check(params, X, y, loss=loss, hidden=hidden, output=output, h=h, bug=bug if broken else None)

if shows(0) or (page.presenter and shows(2)):
    if page.presenter and shows(0):  # the two formulas side by side while they fit the projector's larger math
        display.latex_row(FORMULA.split(r", \qquad "), size="")
    if not page.presenter:
        st.header("Verdict")
    bands = check.bands(kinks=not bp.get_activation(hidden).smooth)  # only relu's 1e-7 … 1e-4 is excused as a kink
    worst = bands[max(check.rel_errors, key=check.rel_errors.get)]
    verdict = {"ok": st.success, "rounding": st.success, "kink": st.info, "warn": st.warning,
               "bad": st.error}[worst.level]
    verdict(f"Worst relative error {check.worst:.1e}: {worst.text}.")
    if broken and worst.level in ("ok", "kink", "rounding"):
        st.info("This bug changes nothing for these settings (for example σ′ at A1 equals σ′ at Z1 for relu and the "
                "identity, and sums over one sample equal that sample): try a sigmoid or more samples.")
    if hidden == "relu" and not broken:
        st.caption("relu has a kink at 0: a centred difference that straddles it measures an average slope, so "
                   "errors up to about 1e-4 can appear even for a correct backward pass.")
    display.rel_error_table(check.rel_errors, bands)

if shows(1):
    if not page.presenter:
        st.header("Side by side")
    scale = Projector(page.text_size).scale
    axes = {"W1": ("input", "hidden unit"), "b1": ("row", "hidden unit"), "W2": ("hidden unit", "output"),
            "b2": ("row", "output")}
    for tab, name in zip(st.tabs(list(axes)), axes, strict=True):
        row_name, col_name = axes[name]
        with tab:
            if not page.presenter:  # on a projector the first slide gives them, and the heatmaps need the room
                st.metric(f"Relative error for {name}", f"{check.rel_errors[name]:.2e}")
            left, right = st.columns(2)
            with left:
                display.heatmap(check.analytic[name],
                                title=f"∂L/∂{name} by backprop" + (" (with the bug)" if broken else ""),
                                row_name=row_name, col_name=col_name, symbol="analytic", key=f"gc_a_{name}",
                                compact=True, scale=scale, theme=page.theme)
            with right:
                display.heatmap(check.numerical[name], title=f"∂L/∂{name} by centred differences",
                                row_name=row_name, col_name=col_name, symbol="numerical", key=f"gc_n_{name}",
                                compact=True, scale=scale, theme=page.theme)
            if not page.presenter:
                st.markdown("**Entry by entry, to full precision**")
                st.dataframe(
                    gradient_entries_frame(check, name), hide_index=True, width="stretch",
                    column_config={c: st.column_config.NumberColumn(format="%.10g")
                                   for c in ("backprop", "centred difference", "backprop − centred difference")},
                )

if not page.presenter:
    st.header("Reading a relative error (cs231n)")
    st.table(rel_error_bands_frame(), hide_index=True)
    st.caption("Use float64, a step h around 1e-5 (too small and rounding dominates, too large and the curvature "
               "does), and a loss whose value is not tiny: relative errors are only meaningful where the numbers "
               "have digits to compare.")
