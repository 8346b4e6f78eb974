"""The training lab's sections, each drawn by one function in the page's order: the lesson buttons, the settings,
the player, the live views (pictures and curves, which the player animates in the browser), the epoch shown below
with its numbers, the backward pass at that epoch, the lesson or the run's diagnostics, the gradient check and the
link. Session state lives in lab.session; numbers come from
backprop; figures from plots."""
from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
from backprop.datasets import MULTICLASS
from backprop.runs import OWN, uses_assignment_weights
from dashboard import claims, display, editors, exports, tables
from dashboard.lab import animation, at_epoch, controls, lessons, own_views, plots
from dashboard.lab import session as ls
from dashboard.lab.player import player
from dashboard.numbers import row


def lesson_buttons(config: bp.TrainConfig) -> str | None:
    """A button per lesson (the active one highlighted); returns the active lesson's label, if any."""
    active = controls.preset_of(config)
    with st.container(horizontal=True):
        for label, preset in controls.PRESETS.items():
            st.button(label, on_click=ls.use, args=(preset.config,), key=f"lab_preset_{preset.slug}",
                      type="primary" if active == label else "secondary")
    return active


def _control(config: bp.TrainConfig, widget, label: str, name: str, **kwargs):
    """``widget`` for setting ``name``, showing the value the run uses; a change makes a new run."""
    key = ls.control_key(name)
    st.session_state[key] = controls.control_value(config, name)
    return widget(label, key=key, on_change=ls.changed, args=(name,), **kwargs)


def _seed_field(config: bp.TrainConfig, label: str, name: str, help: str | None = None) -> None:
    """A seed typed as text and read by the app's one parser (a browser's number field turned 0,3 into 3)."""
    key = ls.control_key(name)
    st.session_state[key] = controls.control_value(config, name)
    editors.number_field(label, key, minimum=0, maximum=controls.MAX_SEED, integer=True, help=help,
                         then=lambda value: ls.use(controls.with_control(st.session_state[ls.CONFIG], name,
                                                                         int(value))))


def settings(config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """The run's settings in three boxes: data, network, optimiser."""
    data_box, network_box, optimiser_box = st.columns(3)
    with data_box, st.container(border=True, height="stretch"):
        st.markdown("**Data**")
        options, label = own_views.dataset_options(config)
        _control(config, st.selectbox, "Data set", "data", options=options, format_func=label)
        if config.dataset in MULTICLASS:
            _control(config, st.select_slider, "Classes", "classes", options=list(controls.CLASSES))
        if config.dataset == "assignment":
            st.caption(f"One sample, X = {row(run.data.X[0])}, with the target {row(run.data.y[0])}: nothing "
                       "to draw, split or vary.")
        elif config.dataset in OWN:
            own_views.own_data_caption(config, run)
            if config.dataset == "csv":
                _control(config, st.select_slider, "Held out for testing", "test", options=controls.TEST_RATIOS,
                         format_func=lambda r: f"{r:.0%}", help="Test points are drawn hollow and never trained on.")
                _seed_field(config, "Data seed", "dseed", help="Chooses which rows are held out.")
        else:
            _control(config, st.slider, "Samples", "n", min_value=controls.SAMPLES.start,
                     max_value=controls.SAMPLES[-1], step=controls.SAMPLES.step)
            _control(config, st.select_slider, "Noise", "noise", options=controls.NOISES)
            _control(config, st.select_slider, "Held out for testing", "test", options=controls.TEST_RATIOS,
                     format_func=lambda r: f"{r:.0%}", help="Test points are drawn hollow and never trained on.")
            _seed_field(config, "Data seed", "dseed")
        own_views.data_box(config)
    with network_box, st.container(border=True, height="stretch"):
        st.markdown("**Network**")
        _control(config, st.select_slider, "Hidden layers", "layers", options=list(range(1, controls.MAX_LAYERS + 1)))
        for i in range(1, len(config.hidden_sizes) + 1):
            _control(config, st.slider, f"Units in hidden layer {i}", f"width{i}", min_value=1,
                     max_value=controls.MAX_WIDTH)
        _control(config, st.selectbox, "Hidden activation", "act", options=controls.HIDDEN_ACTIVATIONS)
        _control(config, st.selectbox, "Output and loss", "out", options=controls.heads_for(config),
                 help="bce: binary cross-entropy on a sigmoid; ce: cross-entropy on a softmax, one output per class; "
                      "mse: (1/2N)·Σ(A − y)². The data decides which apply.")
        if uses_assignment_weights(config):
            st.caption("The network starts from the assignment's own W1, b1 and W2 (b2 = 0): no random weights to "
                       "draw. Any other width draws them, with a scale and a seed to choose.")
        elif config.start is not None:
            st.caption("The network starts from the weights given (below): no random weights to draw.")
        else:
            _control(config, st.select_slider, "Initial weight scale (std of W)", "init",
                     options=[controls.init_label(s) for s in controls.INIT_SCALES])
        _seed_field(config, "Weight seed", "seed", help="Draws the initial weights and shuffles the mini-batches.")
        own_views.weights_box(config, run)
    with optimiser_box, st.container(border=True, height="stretch"):
        st.markdown("**Optimiser**")
        _control(config, st.select_slider, "Learning rate", "lr", options=controls.learning_rates(config),
                 format_func=lambda v: f"{v:g}")
        _control(config, st.selectbox, "Update rule", "opt", options=list(controls.OPTIMIZER_LABELS),
                 format_func=controls.OPTIMIZER_LABELS.get)
        _control(config, st.select_slider, "Batch size", "batch",
                 options=[controls.batch_label(b) for b in controls.BATCH_SIZES],
                 help="Samples per update; all is full-batch gradient descent. Mini-batches are shuffled with the "
                      "weight seed each epoch.")
        _control(config, st.select_slider, "L2 strength λ", "l2", options=controls.L2_STRENGTHS,
                 format_func=lambda v: f"{v:g}", help="Adds (λ/2)·Σ‖W‖² to the loss, so that large weights cost.")
        _control(config, st.slider, "Epochs", "epochs", min_value=controls.EPOCHS.start,
                 max_value=controls.EPOCHS[-1], step=controls.EPOCHS.step,
                 help=f"Each run may use about {controls.WORK_CAP:g} s of the server's time; longer runs are cut, "
                      "with a message.")


def play_bar(config: bp.TrainConfig, run: bp.runs.Run, *, log_toggle: bool = True) -> animation.Play:
    """The run's status, the player (Play, Pause, Step, Reset, the timeline and the speed, all in the browser) and
    (unless ``log_toggle`` is False) the loss axis's switch; returns the frames the player plays, for the views it
    animates."""
    ss = st.session_state
    st.markdown(f"**{_status(run)}**")
    if run.history is not None and ss.get(ls.LOG_Y_FOR) != ss.get(ls.RUN_TOKEN):
        ss[ls.LOG_Y], ss[ls.LOG_Y_FOR] = plots.wide_losses(ls.run_curves(run.config, run)), ss.get(ls.RUN_TOKEN)
    log_y, best = bool(ss.get(ls.LOG_Y)), _best_test_epoch(run)
    play = ls.play_frames(run.config, log_y, best, run)
    player(key=ls.PLAYER, data=ls.player_data(play, run, ls.run_id(run.config, log_y, best)),
           on_epoch=ls.player_rested, on_missing=ls.player_lacks_frames)
    if not log_toggle:
        return play
    st.toggle("Logarithmic loss axis", key=ls.LOG_Y,
              help="Starts switched on when the loss climbs to more than 10 times where it started, as a diverging "
                   "one does: a linear axis would flatten every epoch but the last few.")
    return play


def _status(run: bp.runs.Run) -> str:
    diverged = run.history.diverged_at
    return f"Finished: {run.epochs_done:,} epochs" + ("" if diverged is None else f" (diverged at epoch {diverged})")


def _best_test_epoch(run: bp.runs.Run) -> int | None:
    """The epoch of the lowest test loss, when the run's test loss rose after it (marked on the curves)."""
    reading = ls.run_reading(run.config, run)
    return reading.best_test_epoch if lessons.test_rose(reading) else None


def live_views(run: bp.runs.Run, play: animation.Play) -> None:
    """The network, the output and the curves at the epoch the page shows; the player animates them in the browser
    with ``play``'s frames, and once it rests the page draws them again at its epoch."""
    epoch = ls.shown_epoch(run)
    chart_config = {"displayModeBar": False}
    left, right = st.columns(2, gap="medium")
    with left:
        st.plotly_chart(play.charts["lab_network"].at(epoch), key="lab_network", config=chart_config, width="stretch",
                        theme=None)
    with right:
        if "lab_outputs" in play.charts:
            st.plotly_chart(play.charts["lab_outputs"].at(epoch), key="lab_outputs", config=chart_config,
                            width="stretch", theme=None)
        else:
            st.plotly_chart(play.charts["lab_output"].at(epoch), key="lab_output", config=chart_config,
                            width="stretch", theme=None)
            st.caption(plots.output_caption(run.config.output, run.config.classes, run.test is not None))
    st.plotly_chart(play.charts["lab_curves"].at(epoch), key="lab_curves", config=chart_config, width="stretch",
                    theme=None)
    st.caption(animation.frames_caption(play.epochs))
    with st.expander("The curves' numbers", key=ls.CURVES_NUMBERS, on_change="rerun") as numbers:
        if numbers.open:  # made when opened: a class opening the lab does not build a table nobody reads
            st.dataframe(tables.curves_frame(ls.run_curves(run.config, run)), hide_index=True, width="stretch",
                         column_config={"epoch": st.column_config.NumberColumn(format="%d")})


def shown_epoch_bar(run: bp.runs.Run) -> None:
    """The epoch shown below the player (its scrubber, which the player also moves when it rests) and the numbers
    at that epoch."""
    epoch = ls.shown_epoch(run)
    st.select_slider("Epoch shown below", options=run.snapshot_epochs, key=ls.EPOCH,
                     help="The network after that many updates, and the gradients at it. The player above moves it "
                          "when it stops; moving it moves the pictures above too.")
    c = ls.run_curves(run.config, run)
    i = int(np.searchsorted(c.epochs, epoch))
    loss = ls.gradients_at(run.config, epoch, run).loss

    def at(name: str) -> float | None:
        series = getattr(c, name)
        return None if series is None else float(series[i])

    m = st.columns(4)
    m[0].metric("Training loss", lessons.loss_words(loss), help=f"at epoch {epoch}, before that epoch's update")
    m[1].metric("Test loss", lessons.loss_words(at("test_loss")))
    m[2].metric("Training accuracy", lessons.percent(at("train_accuracy")))
    m[3].metric("Test accuracy", lessons.percent(at("test_accuracy")))


def backprop_view(run: bp.runs.Run, epoch: int) -> None:
    """One backward pass at ``epoch``: every layer's norm, and one layer's W, ∂L/∂W and δ (drawn once per run,
    epoch and layer for every session: see lab.session)."""
    ss = st.session_state
    st.markdown(f"One backward pass through the network at epoch {epoch}, layer by layer from the output: the error "
                "each layer passes back, and the gradient it gives each weight matrix"
                + (f" (plus λ·W_l for L2, λ = {run.config.l2:g})" if run.config.l2 else "") + ".")
    for col, equation in zip(st.columns(3), (r"\delta_L = \frac{\partial L}{\partial Z_L}",
                                             r"\delta_l = (\delta_{l+1} W_{l+1}^T) \ast f'(Z_l)",
                                             r"\frac{\partial L}{\partial W_l} = A_{l-1}^T \, \delta_l"), strict=True):
        with col:
            display.latex(equation)
    norms = ls.norms_at(run.config, epoch, run)
    st.plotly_chart(norms.figure, key="lab_norms", config={"displayModeBar": False}, width="stretch")
    with st.expander("The chart's numbers", key=ls.NORMS_NUMBERS, on_change="rerun") as numbers:
        if numbers.open:
            st.table(norms.table, hide_index=True)
    if norms.caption:
        st.caption(norms.caption)
    names = at_epoch.layer_names(run.network_at(epoch).depth)
    if ss.get(ls.LAYER) not in names:
        ss[ls.LAYER] = 1
    layer = st.segmented_control("Layer", options=list(names), format_func=names.get, key=ls.LAYER) or 1
    views = ls.layer_at(run.config, epoch, layer, run)
    w1, w2 = st.columns(2)
    no_bar = {"displayModeBar": False}
    w1.plotly_chart(views.W, key="lab_W", config=no_bar, width="stretch")
    w2.plotly_chart(views.dW, key="lab_dW", config=no_bar, width="stretch")
    st.plotly_chart(views.delta, key="lab_delta", config=no_bar, width="stretch")
    st.caption(f"∂L/∂W{layer} = A{layer - 1}ᵀ·δ{layer} sums over the {run.data.n_samples} training samples, so it has "
               f"W{layer}'s shape. δ is shown transposed, one row per unit. Colours are centred on zero; wide "
               "matrices give their values on hover.")


def downloads(run: bp.runs.Run) -> None:
    """The run as JSON (schema in docs/lab.md; a finished lesson's run with its paragraph and the numbers it quotes)
    and its curves as CSV."""
    label = controls.preset_of(run.config)
    variants = None
    if label is not None and run.finished:
        variants = [(name, ls.full_run(v)) for name, v in controls.variant_configs(controls.PRESETS[label])]

    def run_file() -> str:
        lesson = None if variants is None else {"name": label, "paragraph": lessons.lesson(label, run, variants),
                                                "numbers": lessons.quoted(label, run, variants)}
        return exports.run_json(run, lesson)

    c = ls.run_curves(run.config, run)
    d1, d2 = st.columns(2)
    # The files are made when clicked (callables), not at every view of the page: a class opening the lab at once
    # paid for every student's JSON, CSV, network, notebook and row files on their first view.
    d1.download_button("Download this run (JSON)", run_file, file_name="training_run.json",
                       mime="application/json", icon=":material/download:", width="stretch", key="lab_json")
    d2.download_button("Download the curves (CSV)", lambda: exports.curves_csv(c),
                       file_name="training_curves.csv", mime="text/csv", icon=":material/download:",
                       width="stretch", key="lab_csv")


def lesson(active: str | None, config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """The active lesson's paragraph (built from its run) with the runs it is compared with, or, for any other run,
    what happened in it."""
    if active is not None and active == controls.preset_of(run.config):
        preset = controls.PRESETS[active]
        variants = [(label, ls.full_run(v)) for label, v in controls.variant_configs(preset)]
        with st.container(border=True):
            st.markdown(f"**{active}.** " + lessons.lesson(active, run, variants))
            if variants:
                st.dataframe(pd.DataFrame(lessons.comparison(active, run, variants)), hide_index=True,
                             width="stretch")
                columns = st.columns(len(variants) + 1)
                for col, (label, v) in zip(columns, controls.variant_configs(preset), strict=False):
                    col.button(f"Try: {label}", on_click=ls.use, args=(v,), key=f"lab_try_{label}", width="stretch")
    else:
        for kind, text in lessons.diagnostics(run):
            {"error": st.error, "warning": st.warning, "info": st.info}[kind](text)


def gradient_check(config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """The starting weights' gradient check, with a caption that says what was compared."""
    check = ls.first_epoch_check(config)
    # only relu has kinks: a smooth network's 1e-7 … 1e-4 is read from its entries, not excused as a kink
    display.rel_error_table(check.rel_errors, check.bands(kinks=not bp.get_activation(config.hidden).smooth))
    n_training = len(run.data.X)
    st.caption(claims.gradient_check_caption(min(ls.CHECKED_SAMPLES, n_training), n_training, config.hidden))


def share_link(wanted: dict[str, str]) -> None:
    """The link to these settings, in a box with a copy button."""
    link = (st.context.url or "/training") + ("?" + urlencode(wanted, safe=",") if wanted else "")
    st.markdown("**Link to these settings** (copy it with the button at the right of the box)")
    st.code(link, language=None, wrap_lines=True)
