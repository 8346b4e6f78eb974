"""Problem 1 · The value of manual implementation: three reasons, each with a live demonstration."""
import streamlit as st

import backprop as bp
from backprop.custom import CUSTOM_ACTIVATIONS, check_derivative
from backprop.deep import deep_gradient_norms, read_norms
from dashboard import demos, display, figures, nav, presenter, state, tables
from dashboard.presenting import Projector

page = nav.page_setup("why-backprop", "Problem 1 · Why backprop", example_page=False)
st.title("Problem 1 · Why implement backpropagation by hand?")
DEMOS = ("Debugging: vanishing and exploding gradients", "Custom layers and activations need a backward pass",
         "Understanding: a wrong gradient looks plausible until it is checked")
shows = presenter.demos(page, DEMOS)  # every demo, or on a projector the one on the slide
scale = Projector(page.text_size).scale
if not page.presenter:
    st.markdown(
        "> *Why is it important for a deep learning practitioner to understand how to implement "
        "backpropagation manually, even when modern frameworks provide autograd?*"
    )
    st.markdown(
        "Autograd computes gradients for you; it does not tell you why training fails, it cannot write the "
        "backward pass of something new, and it hides the mechanism you are trying to learn. Each reason below "
        "comes with a live demonstration computed by this app's own backprop code."
    )


# --- 1. Debugging ---------------------------------------------------------------------------------
if shows(0):
    if not page.presenter:
        st.header(f"1 · {DEMOS[0]}")
        st.markdown(
            "Backpropagation multiplies by W·σ′ once per layer on the way back. With a sigmoid, σ′ is at most ¼, so "
            "the gradient reaching the first layers of a deep stack can be thousands of times smaller than at the "
            "top: those layers barely learn (*vanishing gradients*). Large weights do the opposite (*exploding "
            "gradients*). Knowing the formula $\\delta_l = (\\delta_{l+1} W_{l+1}^T) \\ast \\sigma'(Z_l)$ is what "
            "tells you where to look."
        )
    c1, c2, c3 = st.columns(3)
    depth = state.remembered(c1.slider, "Hidden layers", "deep_depth", 8, min_value=2, max_value=12)
    activation = state.remembered(c2.selectbox, "Activation", "deep_activation", "sigmoid",
                                  options=["sigmoid", "tanh", "relu"])
    scale_w = state.remembered(c3.select_slider, "Weight scale (× 1/√fan-in)", "deep_scale", 1.0,
                               options=[0.25, 0.5, 1.0, 2.0, 3.0])
    norms = deep_gradient_norms(depth, width=16, activation=activation, scale=scale_w, seed=0)
    st.plotly_chart(
        figures.layer_norms_figure(norms, title=f"Gradient norm per layer, {depth} {activation} layers (log scale)",
                                   height=round(300 * scale) if page.presenter else 380, scale=scale,
                                   theme=page.theme),
        key="deep_norms", config={"displayModeBar": False}, width="stretch",
    )
    if not page.presenter:
        with st.expander("The chart's numbers"):
            st.table(tables.layer_norms_frame(norms), hide_index=True)
    st.info(demos.norms_reading_text(read_norms(norms), activation), icon=":material/monitoring:")

# --- 2. Customisation ------------------------------------------------------------------------------
if shows(1):
    if not page.presenter:
        st.header(f"2 · {DEMOS[1]}")
        st.markdown(
            "A new activation, layer or loss needs its derivative written by someone. Here are activations that "
            "are not built into the package, each with a hand-written derivative that is checked against centred "
            "differences before it is trusted. One of them has a typical slip."
        )
    names = list(CUSTOM_ACTIVATIONS)
    choice = state.remembered(st.radio, "Activation", "custom_act", "swish_buggy", options=names, horizontal=True,
                              format_func=lambda n: n.replace("_", " "))
    act = CUSTOM_ACTIVATIONS[choice]
    display.latex_row((act.latex, act.grad_latex), size="" if page.presenter else r"\large")
    check = check_derivative(act)
    left, right = st.columns([3, 2])
    left.plotly_chart(
        figures.derivative_check_figure(check.z, check.analytic, check.numerical,
                                        title=f"Derivative of {choice.replace('_', ' ')}: analytic vs numerical",
                                        height=round(290 * scale) if page.presenter else 360, scale=scale,
                                        theme=page.theme),
        key="custom_plot", config={"displayModeBar": False}, width="stretch",
    )
    if not page.presenter:
        with left.expander("The chart's numbers"):
            st.table(tables.derivative_check_frame(check.z, check.analytic, check.numerical), hide_index=True)
    band = bp.interpret_rel_error(check.rel_error)
    with right:
        st.metric("Relative error of f′", f"{check.rel_error:.1e}")
        (st.error if band.level in ("bad", "warn") else st.success)(band.text)
        if not page.presenter:
            st.markdown("The same activation inside a 2-4-1 network, checked parameter by parameter:")
        display.rel_error_table(demos.custom_activation_check(act).rel_errors)

# --- 3. Understanding ------------------------------------------------------------------------------
if shows(2):
    if not page.presenter:
        st.header(f"3 · {DEMOS[2]}")
        st.markdown(
            "A broken backward pass still produces numbers of the right shape, and training may even seem to "
            "work. Only understanding what each gradient should be, and checking it, turns the network from a "
            "black box into something you can reason about. Plant one of these classic mistakes:"
        )
    bug = state.remembered(st.selectbox, "Bug", "bug_choice", next(iter(bp.BUGS)), options=list(bp.BUGS),
                           format_func=lambda b: bp.BUGS[b].label)
    st.caption(bp.BUGS[bug].explanation)
    clean, broken = demos.bug_demo(bug)
    c1, c2 = st.columns(2)
    c1.markdown("**Correct backward pass**")
    with c1:
        display.rel_error_table(clean.rel_errors)
    c2.markdown(f"**With the bug: {bp.BUGS[bug].label}**")
    with c2:
        display.rel_error_table(broken.rel_errors)
    if not page.presenter:
        st.page_link(nav.page_path("gradient-check"), label="Try it on your own shapes on the Gradient check page",
                     icon=":material/fact_check:")
