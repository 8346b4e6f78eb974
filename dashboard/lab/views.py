"""The training lab's sections, each drawn by one function in the page's order: the lesson buttons, the settings,
Play and the scrubber, the live views (numbers, pictures, curves), the backward pass at the shown epoch, the lesson
or the run's diagnostics, the gradient check and the link. Session state lives in lab.session; numbers come from
backprop; figures from plots."""
from __future__ import annotations

from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
from backprop.datasets import MULTICLASS
from backprop.planes import layer_maps, plane
from backprop.reading import curves, read_run
from backprop.runs import OWN, uses_assignment_weights
from dashboard import claims, display, editors, exports, figures, tables
from dashboard.lab import controls, lessons, own_views, plots
from dashboard.lab import session as ls
from dashboard.numbers import row

FRAME_SECONDS = 0.1  # Play asks for a new frame this often (requests made while a frame runs are merged)


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


def play_bar(config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """Play or Pause, Step, Reset, the epochs per frame, the epoch scrubber (not while playing) and the loss axis."""
    ss = st.session_state
    playing = ls.playing()
    buttons, speed = st.columns([2.2, 1], vertical_alignment="bottom")
    with buttons, st.container(horizontal=True):
        if playing:
            st.button("Pause", icon=":material/pause:", on_click=ls.pause, key="lab_pause", type="primary")
        else:
            st.button("Play" if ss.get(ls.LIVE) is not None and not run.finished else "Play from epoch 0",
                      icon=":material/play_arrow:", on_click=ls.play, type="primary", key="lab_play",
                      help="Trains from the current epoch (or from the seeded starting weights), redrawing as it "
                           "goes.")
        st.button("Step", icon=":material/skip_next:", on_click=ls.step, key="lab_step",
                  disabled=playing or ss.get(ls.LIVE) is None or run.finished, help="Train one more epoch.")
        st.button("Reset", icon=":material/restart_alt:", on_click=ls.reset, key="lab_reset",
                  help="Back to epoch 0: the seeded starting weights.")
    if ss.get(ls.SPEED) not in controls.play_speeds(config):
        ss[ls.SPEED] = controls.default_speed(config)
    speed.select_slider("Epochs per frame", options=controls.play_speeds(config), key=ls.SPEED,
                        help=f"How many epochs Play trains between two pictures. One play-through draws at most "
                             f"{controls.MAX_FRAMES} pictures on this public demo, so long runs start at a few epochs "
                             "per frame.")
    if not playing:
        # The scrubber is drawn on full reruns only. While playing there is none: the browser would send back the
        # position it last drew, a frame or two behind, and that stale epoch would be taken for the reader's choice.
        epochs = run.snapshot_epochs
        if ss.get(ls.EPOCH) not in epochs:
            ss[ls.EPOCH] = epochs[-1]
        st.select_slider("Epoch shown", options=epochs, key=ls.EPOCH,
                         help="The network after that many updates, and the gradients at it. Every view below shows "
                              "this epoch.")
    if run.history is not None and ss.get(ls.LOG_Y_FOR) != ss.get(ls.RUN_TOKEN):
        ss[ls.LOG_Y], ss[ls.LOG_Y_FOR] = plots.wide_losses(curves(run.history)), ss.get(ls.RUN_TOKEN)
    st.toggle("Logarithmic loss axis", key=ls.LOG_Y,
              help="Starts switched on when the loss climbs to more than 10 times where it started, as a diverging "
                   "one does: a linear axis would flatten every epoch but the last few.")


def _status(run: bp.runs.Run, playing: bool) -> str:
    if not run.finished:
        return f"Epoch {run.epochs_done:,} of {run.config.epochs:,}" + (" (playing)" if playing else "")
    diverged = run.history.diverged_at
    return f"Finished: {run.epochs_done:,} epochs" + ("" if diverged is None else f" (diverged at epoch {diverged})")


def live_views() -> None:
    """What changes from epoch to epoch: the numbers, the pictures and the curves, as a fragment that reruns every
    FRAME_SECONDS while playing (and otherwise with the page)."""
    st.fragment(_live_views, run_every=FRAME_SECONDS if ls.playing() else None)()


def _live_views() -> None:
    """While playing, each rerun trains one frame's epochs first and shows the latest; otherwise the scrubber's
    epoch. Nothing else is redrawn per frame, so that the browser keeps up."""
    run = ls.current_run()
    if ls.playing():
        run = ls.play_frame(run)
    playing = ls.playing()
    epoch = ls.shown_epoch(run)
    c = curves(run.history) if run.history is not None else None
    end = run.epochs_done if run.finished else run.config.epochs
    status = _status(run, playing)
    if playing:
        st.progress(run.epochs_done / run.config.epochs, text=f"**{status}**, showing the latest epoch")
    else:
        st.markdown(f"**{status}**")
    net = run.network_at(epoch)
    loss = bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2).loss
    i = None if c is None else int(np.searchsorted(c.epochs, epoch))

    def at(name: str) -> float | None:
        series = None if c is None else getattr(c, name)
        return None if series is None else float(series[i])

    m = st.columns(4)
    m[0].metric("Training loss", lessons.loss_words(loss), help=f"at epoch {epoch}, before that epoch's update")
    m[1].metric("Test loss", lessons.loss_words(at("test_loss")))
    m[2].metric("Training accuracy", lessons.percent(at("train_accuracy")))
    m[3].metric("Test accuracy", lessons.percent(at("test_accuracy")))

    X_all = run.data.X if run.test is None else np.vstack([run.data.X, run.test.X])
    margin = 2.0 if run.config.dataset in ("assignment", "example") else 0.5
    xs, ys, _ = plane(X_all, resolution=22, margin=margin)
    # While playing, the charts are static (no hover, no zoom: nothing to interact with five times a second),
    # which is much cheaper for the browser to redraw.
    chart_config = {"displayModeBar": False, "staticPlot": playing}
    left, right = st.columns(2, gap="medium")
    with left:
        st.plotly_chart(plots.network_figure(
            net.Ws, net.bs, layer_maps(net, xs, ys), np.stack(np.meshgrid(xs, ys), axis=-1),
            hidden=run.config.hidden, output=run.config.output, title=f"The network at epoch {epoch}",
            interactive=not playing),
            key="lab_network", config=chart_config, width="stretch", theme=None)
    with right:
        if run.config.dataset in ("assignment", "example"):  # a sample or a few: their outputs, not a map
            targets = "; ".join(row(t) for t in run.data.y)
            st.markdown(f"**Outputs at epoch {epoch}** (target{'s' if run.data.n_samples > 1 else ''} {targets})")
            display.show_table(bp.predict(net, run.data.X), row_name="sample", col_name="output")
        else:
            gx, gy, _ = plane(X_all, resolution=120, margin=margin)
            out = layer_maps(net, gx, gy)[-1]
            test = run.test
            spread = float(np.abs(np.concatenate([run.data.y, test.y]) if test else run.data.y).max())
            st.plotly_chart(plots.output_figure(
                gx, gy, out, output=run.config.output, title=f"Output at epoch {epoch}",
                X_train=run.data.X, key_train=run.data.y[:, 0] if run.config.classes is None else run.data.labels,
                X_test=None if test is None else test.X,
                key_test=None if test is None else (test.y[:, 0] if run.config.classes is None else test.labels),
                classes=run.config.classes, value_range=spread, interactive=not playing),
                key="lab_output", config=chart_config, width="stretch", theme=None)
            st.caption(plots.output_caption(run.config.output, run.config.classes, test is not None))
    reading = read_run(run.history) if run.history is not None else None
    st.plotly_chart(plots.curves_figure(
        c, end_epoch=end, epoch=epoch, log_y=bool(st.session_state.get(ls.LOG_Y)),
        diverged_at=run.history and run.history.diverged_at,
        best_test_epoch=reading.best_test_epoch if reading and lessons.test_rose(reading) else None,
        interactive=not playing),
        key="lab_curves", config=chart_config, width="stretch", theme=None)
    if c is not None and not playing:  # c is None at epoch 0, before any training
        with st.expander("The curves' numbers"):
            st.dataframe(tables.curves_frame(c), hide_index=True, width="stretch",
                         column_config={"epoch": st.column_config.NumberColumn(format="%d")})


def backprop_view(run: bp.runs.Run, epoch: int) -> None:
    """One backward pass at ``epoch``: every layer's norm, and one layer's W, ∂L/∂W and δ."""
    ss = st.session_state
    net = run.network_at(epoch)
    grads = bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2)
    L = net.depth
    st.markdown(f"One backward pass through the network at epoch {epoch}, layer by layer from the output: the error "
                "each layer passes back, and the gradient it gives each weight matrix"
                + (f" (plus λ·W_l for L2, λ = {run.config.l2:g})" if run.config.l2 else "") + ".")
    for col, equation in zip(st.columns(3), (r"\delta_L = \frac{\partial L}{\partial Z_L}",
                                             r"\delta_l = (\delta_{l+1} W_{l+1}^T) \ast f'(Z_l)",
                                             r"\frac{\partial L}{\partial W_l} = A_{l-1}^T \, \delta_l"), strict=True):
        with col:
            display.latex(equation)
    fig = figures.layer_norms_figure(grads.norms, title=f"Gradient norm ‖∂L/∂W‖ of each layer at epoch {epoch}")
    fig.layout.height = 300
    st.plotly_chart(fig, key="lab_norms", config={"displayModeBar": False}, width="stretch")
    with st.expander("The chart's numbers"):
        st.table(tables.layer_norms_frame(grads.norms), hide_index=True)
    caption = claims.undrawn_norms_caption(grads.norms, epoch)
    if caption:
        st.caption(caption)
    names = {l: ("output layer" if l == L else f"hidden layer {l}") + f" (W{l})" for l in range(1, L + 1)}
    if ss.get(ls.LAYER) not in names:
        ss[ls.LAYER] = 1
    layer = st.segmented_control("Layer", options=list(names), format_func=names.get, key=ls.LAYER) or 1
    below = "input" if layer == 1 else f"hidden {layer - 1} unit"
    here = "output" if layer == L else f"hidden {layer} unit"
    w1, w2 = st.columns(2)
    with w1:
        display.heatmap(net.Ws[layer - 1], title=f"W{layer} at epoch {epoch}", row_name=below, col_name=here,
                        symbol=f"W{layer}", key="lab_W", compact=True)
    with w2:
        display.heatmap(grads.dWs[layer - 1], title=f"∂L/∂W{layer}", row_name=below, col_name=here,
                        symbol=f"∂L/∂W{layer}", key="lab_dW", compact=True)
    st.plotly_chart(plots.delta_heatmap(grads.deltas[layer - 1], layer=layer, unit_name=here),
                    key="lab_delta", config={"displayModeBar": False}, width="stretch")
    st.caption(f"∂L/∂W{layer} = A{layer - 1}ᵀ·δ{layer} sums over the {run.data.n_samples} training samples, so it has "
               f"W{layer}'s shape. δ is shown transposed, one row per unit. Colours are centred on zero; wide "
               "matrices give their values on hover.")


def downloads(run: bp.runs.Run) -> None:
    """The run as JSON (schema in docs/lab.md; a finished lesson's run with its paragraph and the numbers it quotes)
    and its curves as CSV."""
    label = controls.preset_of(run.config)
    lesson = None
    if label is not None and run.finished:
        variants = [(name, ls.full_run(v)) for name, v in controls.variant_configs(controls.PRESETS[label])]
        lesson = {"name": label, "paragraph": lessons.lesson(label, run, variants),
                  "numbers": lessons.quoted(label, run, variants)}
    d1, d2 = st.columns(2)
    d1.download_button("Download this run (JSON)", exports.run_json(run, lesson), file_name="training_run.json",
                       mime="application/json", icon=":material/download:", width="stretch", key="lab_json")
    d2.download_button("Download the curves (CSV)", exports.curves_csv(curves(run.history)),
                       file_name="training_curves.csv", mime="text/csv", icon=":material/download:",
                       width="stretch", key="lab_csv")


def lesson(active: str | None, config: bp.TrainConfig, run: bp.runs.Run) -> None:
    """The active lesson's paragraph (built from its run) with the runs it is compared with, or, for any other
    finished run, what happened in it; while training live, when that will appear."""
    if not run.finished:
        st.caption(f"Training live. What this run teaches appears here when it reaches its end, at epoch "
                   f"{config.epochs:,}.")
    elif active is not None and active == controls.preset_of(run.config):
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
