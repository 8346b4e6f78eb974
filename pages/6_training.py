"""Training lab: a network of any depth trained live on toy data, every unit drawn, every gradient shown."""
from urllib.parse import urlencode

import numpy as np
import pandas as pd
import streamlit as st

import backprop as bp
from backprop.datasets import MULTICLASS
from backprop.training import (
    advance,
    curves,
    layer_maps,
    plane,
    read_run,
    start_run,
    train_config,
    uses_assignment_weights,
)
from dashboard import claims, display, editors, exports, figures, lab, labfigures, lessons, nav, state, tables
from dashboard.numbers import row, short

page = nav.page_setup("training", "Training lab", example_page=False)
ss = st.session_state
CONFIG, NOTES, LIVE, PLAYING = "lab_config", "lab_notes", "lab_live", "lab_playing"
EPOCH, LAYER, SPEED, ARRIVAL, LINK_WARNINGS = "lab_epoch", "lab_layer", "lab_speed", "lab_arrival", "lab_link_warnings"
LOG_Y, RUN_TOKEN, LOG_Y_FOR = "lab_log_y", "lab_run_token", "lab_log_y_for"
FRAME_SECONDS = 0.1  # Play asks for a new frame this often (requests made while a frame runs are merged)


def use(config: bp.TrainConfig) -> None:
    """Make ``config`` (put right and capped) the page's run: back to its finished run, the scrubber at its end."""
    settled, notes = lab.settle(config)
    ss[CONFIG], ss[NOTES] = settled, notes
    ss[LIVE], ss[PLAYING] = None, False
    ss.pop(EPOCH, None)
    ss[RUN_TOKEN] = ss.get(RUN_TOKEN, 0) + 1  # each run picks its own loss axis first


def changed(name: str) -> None:
    use(lab.with_control(ss[CONFIG], name, ss[f"lab_w_{name}"]))


if ss.get(ARRIVAL) != ss[state.GENERATION]:  # arriving on the page (a link, or the sidebar): read the link
    ss[ARRIVAL] = ss[state.GENERATION]
    params = st.query_params.to_dict()
    ss[LINK_WARNINGS] = ()
    if any(name in params for name in (*lab.URL_FIELDS, "preset")):
        link = lab.config_from_params(params)
        use(link.config)
        ss[LINK_WARNINGS] = link.warnings
    elif CONFIG not in ss:
        use(lab.preset_config(lab.DEFAULT_PRESET))
config: bp.TrainConfig = ss[CONFIG]
wanted = lab.params_from_config(config)
if st.query_params.to_dict() != wanted:  # the address bar is always a link to this run
    st.query_params.from_dict(wanted)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def full_run(config: bp.TrainConfig) -> bp.training.Run:
    """The run trained to its end, once per distinct config, with a progress bar while it trains."""
    bar = st.progress(0.0, text="Training…")
    every = max(1, config.epochs // 40)

    def report(epoch: int, loss: float) -> None:
        if epoch % every == 0:
            bar.progress(epoch / config.epochs, text=f"Training: epoch {epoch} of {config.epochs}, loss {short(loss)}")

    run = train_config(config, callback=report)
    bar.empty()
    return run


CHECKED_SAMPLES = 20


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def first_epoch_check(config: bp.TrainConfig):
    """Gradient check of the starting weights on the first CHECKED_SAMPLES training samples (the numerical
    gradient needs two forward passes per parameter)."""
    run = start_run(config)
    X, y = run.data.X[:CHECKED_SAMPLES], run.targets(run.data)[:CHECKED_SAMPLES]
    return bp.gradient_check(run.initial, X, y, loss=config.loss, l2=config.l2)


def current_run() -> bp.training.Run:
    live = ss.get(LIVE)
    return live if live is not None else full_run(config)


# --- the page --------------------------------------------------------------------------------------------
st.title("Training lab")
st.markdown(
    "Problems 2–4 compute one backward pass by hand. Training repeats it: forward, backward, then "
    "W ← W − lr·∂L/∂W, epoch after epoch. Build a network, pick the data, press **Play** and watch every unit "
    "learn; below, the numbers backpropagation computes at each epoch. Everything comes from `backprop`."
)
for text in ss[LINK_WARNINGS]:
    st.warning(text, icon=":material/link_off:")

st.markdown("**Start from a lesson**")
active = lab.preset_of(config)
with st.container(horizontal=True):
    for label, preset in lab.PRESETS.items():
        st.button(label, on_click=use, args=(preset.config,), key=f"lab_preset_{preset.slug}",
                  type="primary" if active == label else "secondary")

run_now = current_run()
lesson_box = st.container()
for note in ss[NOTES]:
    st.warning(note, icon=":material/speed:" if "epochs" in note else ":material/info:")

data_box, network_box, optimiser_box = st.columns(3)


def seed_field(label: str, name: str, help: str | None = None) -> None:
    """A seed typed as text and read by the app's one parser (a browser's number field turned 0,3 into 3)."""
    key = f"lab_w_{name}"
    ss[key] = lab.control_value(config, name)
    editors.number_field(label, key, minimum=0, maximum=lab.MAX_SEED, integer=True, help=help,
                         then=lambda value: use(lab.with_control(ss[CONFIG], name, int(value))))


def control(widget, label: str, name: str, **kwargs):
    key = f"lab_w_{name}"
    ss[key] = lab.control_value(config, name)
    return widget(label, key=key, on_change=changed, args=(name,), **kwargs)


with data_box, st.container(border=True, height="stretch"):
        st.markdown("**Data**")
        control(st.selectbox, "Data set", "data", options=list(lab.DATASET_LABELS), format_func=lab.DATASET_LABELS.get)
        if config.dataset in MULTICLASS:
            control(st.select_slider, "Classes", "classes", options=list(lab.CLASSES))
        if config.dataset == "assignment":
            st.caption(f"One sample, X = {row(run_now.data.X[0])}, with the target {row(run_now.data.y[0])}: nothing "
                       "to draw, split or vary.")
        else:
            control(st.slider, "Samples", "n", min_value=lab.SAMPLES.start, max_value=lab.SAMPLES[-1],
                    step=lab.SAMPLES.step)
            control(st.select_slider, "Noise", "noise", options=lab.NOISES)
            control(st.select_slider, "Held out for testing", "test", options=lab.TEST_RATIOS,
                    format_func=lambda r: f"{r:.0%}", help="Test points are drawn hollow and never trained on.")
            seed_field("Data seed", "dseed")
with network_box, st.container(border=True, height="stretch"):
        st.markdown("**Network**")
        control(st.select_slider, "Hidden layers", "layers", options=list(range(1, lab.MAX_LAYERS + 1)))
        for i in range(1, len(config.hidden_sizes) + 1):
            control(st.slider, f"Units in hidden layer {i}", f"width{i}", min_value=1, max_value=lab.MAX_WIDTH)
        control(st.selectbox, "Hidden activation", "act", options=lab.HIDDEN_ACTIVATIONS)
        control(st.selectbox, "Output and loss", "out", options=lab.heads_for(config),
                help="bce: binary cross-entropy on a sigmoid; ce: cross-entropy on a softmax, one output per class; "
                     "mse: (1/2N)·Σ(A − y)². The data decides which apply.")
        if uses_assignment_weights(config):
            st.caption("The network starts from the assignment's own W1, b1 and W2 (b2 = 0): no random weights to "
                       "draw. Any other width draws them, with a scale and a seed to choose.")
        else:
            control(st.select_slider, "Initial weight scale (std of W)", "init",
                    options=[lab.init_label(s) for s in lab.INIT_SCALES])
        seed_field("Weight seed", "seed", help="Draws the initial weights and shuffles the mini-batches.")
with optimiser_box, st.container(border=True, height="stretch"):
        st.markdown("**Optimiser**")
        control(st.select_slider, "Learning rate", "lr", options=lab.LEARNING_RATES, format_func=lambda v: f"{v:g}")
        control(st.selectbox, "Update rule", "opt", options=list(lab.OPTIMIZER_LABELS),
                format_func=lab.OPTIMIZER_LABELS.get)
        control(st.select_slider, "Batch size", "batch", options=[lab.batch_label(b) for b in lab.BATCH_SIZES],
                help="Samples per update; all is full-batch gradient descent. Mini-batches are shuffled with the "
                     "weight seed each epoch.")
        control(st.select_slider, "L2 strength λ", "l2", options=lab.L2_STRENGTHS, format_func=lambda v: f"{v:g}",
                help="Adds (λ/2)·Σ‖W‖² to the loss, so that large weights cost.")
        control(st.slider, "Epochs", "epochs", min_value=lab.EPOCHS.start, max_value=lab.EPOCHS[-1],
                step=lab.EPOCHS.step, help=f"Each run may use about {lab.WORK_CAP:g} s of the server's time; "
                                           "longer runs are cut, with a message.")


# --- live training: Play, Pause, Step, Reset -------------------------------------------------------------


def play() -> None:
    live = ss.get(LIVE)
    if live is None or live.finished:
        ss[LIVE] = start_run(config)
    ss[PLAYING] = True
    ss.pop(EPOCH, None)


def pause() -> None:
    ss[PLAYING] = False
    ss[EPOCH] = ss[LIVE].epochs_done


def step() -> None:
    ss[LIVE] = advance(ss[LIVE], 1)
    ss[EPOCH] = ss[LIVE].epochs_done


def reset() -> None:
    ss[LIVE], ss[PLAYING] = start_run(config), False
    ss[EPOCH] = 0


playing = bool(ss.get(PLAYING))
views = st.container()
with views:
    buttons, speed = st.columns([2.2, 1], vertical_alignment="bottom")
    with buttons, st.container(horizontal=True):
        if playing:
            st.button("Pause", icon=":material/pause:", on_click=pause, key="lab_pause", type="primary")
        else:
            st.button("Play" if ss.get(LIVE) is not None and not run_now.finished else "Play from epoch 0",
                      icon=":material/play_arrow:", on_click=play, type="primary", key="lab_play",
                      help="Trains from the current epoch (or from the seeded starting weights), redrawing as it "
                           "goes.")
        st.button("Step", icon=":material/skip_next:", on_click=step, key="lab_step",
                  disabled=playing or ss.get(LIVE) is None or run_now.finished, help="Train one more epoch.")
        st.button("Reset", icon=":material/restart_alt:", on_click=reset, key="lab_reset",
                  help="Back to epoch 0: the seeded starting weights.")
    if ss.get(SPEED) not in lab.play_speeds(config):
        ss[SPEED] = lab.default_speed(config)
    speed.select_slider("Epochs per frame", options=lab.play_speeds(config), key=SPEED,
                        help=f"How many epochs Play trains between two pictures. One play-through draws at most "
                             f"{lab.MAX_FRAMES} pictures on this public demo, so long runs start at a few epochs "
                             "per frame.")
    if not playing:
        # The scrubber is drawn on full reruns only. While playing there is none: the browser would send back the
        # position it last drew, a frame or two behind, and that stale epoch would be taken for the reader's choice.
        epochs = run_now.snapshot_epochs
        if ss.get(EPOCH) not in epochs:
            ss[EPOCH] = epochs[-1]
        st.select_slider("Epoch shown", options=epochs, key=EPOCH,
                         help="The network after that many updates, and the gradients at it. Every view below shows "
                              "this epoch.")
    if run_now.history is not None and ss.get(LOG_Y_FOR) != ss.get(RUN_TOKEN):
        ss[LOG_Y], ss[LOG_Y_FOR] = labfigures.wide_losses(curves(run_now.history)), ss.get(RUN_TOKEN)
    st.toggle("Logarithmic loss axis", key=LOG_Y,
              help="Starts switched on when the loss climbs to more than 10 times where it started, as a diverging "
                   "one does: a linear axis would flatten every epoch but the last few.")


@st.fragment(run_every=FRAME_SECONDS if playing else None)
def live_views() -> None:
    """What changes from epoch to epoch: the numbers, the pictures and the curves. While playing, each rerun trains
    one frame's epochs first and shows the latest; otherwise the scrubber's epoch. Nothing else is redrawn per frame,
    so that the browser keeps up."""
    run = current_run()
    if ss.get(PLAYING):
        run = ss[LIVE] = advance(run, ss[SPEED])
        if run.finished:
            ss[PLAYING] = False
            ss[EPOCH] = run.epochs_done
            st.rerun()  # the whole page: the buttons, the scrubber, and the lesson the finished run now supports
    epoch = run.epochs_done if ss.get(PLAYING) else ss[EPOCH]
    c = curves(run.history) if run.history is not None else None
    end = run.epochs_done if run.finished else run.config.epochs
    status = (f"Epoch {run.epochs_done:,} of {run.config.epochs:,}" + (" (playing)" if ss.get(PLAYING) else "")
              if not run.finished else f"Finished: {run.epochs_done:,} epochs"
              + (f" (diverged at epoch {run.history.diverged_at})" if run.history.diverged_at is not None else ""))
    if ss.get(PLAYING):
        st.progress(run.epochs_done / run.config.epochs, text=f"**{status}**, showing the latest epoch")
    else:
        st.markdown(f"**{status}**")
    net = run.network_at(epoch)
    loss = bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2).loss
    i = None if c is None else int(np.searchsorted(c.epochs, epoch))

    def at(name: str) -> float | None:
        series = None if c is None else getattr(c, name)
        return None if series is None else float(series[i])

    def loss_text(value: float | None) -> str:
        return "—" if value is None else short(value, 3) if np.isfinite(value) else "not finite"

    m = st.columns(4)
    m[0].metric("Training loss", loss_text(loss), help=f"at epoch {epoch}, before that epoch's update")
    m[1].metric("Test loss", loss_text(at("test_loss")))
    m[2].metric("Training accuracy", lessons.percent(at("train_accuracy")))
    m[3].metric("Test accuracy", lessons.percent(at("test_accuracy")))

    X_all = run.data.X if run.test is None else np.vstack([run.data.X, run.test.X])
    margin = 2.0 if run.config.dataset == "assignment" else 0.5
    xs, ys, _ = plane(X_all, resolution=22, margin=margin)
    # While playing, the charts are static (no hover, no zoom: nothing to interact with five times a second),
    # which is much cheaper for the browser to redraw.
    chart_config = {"displayModeBar": False, "staticPlot": bool(ss.get(PLAYING))}
    left, right = st.columns(2, gap="medium")
    with left:
        st.plotly_chart(labfigures.network_figure(
            net.Ws, net.bs, layer_maps(net, xs, ys), np.stack(np.meshgrid(xs, ys), axis=-1),
            hidden=run.config.hidden, output=run.config.output, title=f"The network at epoch {epoch}",
            interactive=not ss.get(PLAYING)),
            key="lab_network", config=chart_config, width="stretch", theme=None)
    with right:
        if run.config.dataset == "assignment":
            st.markdown(f"**Outputs at epoch {epoch}** (target {row(run.data.y[0])})")
            display.show_table(bp.predict(net, run.data.X), row_name="sample", col_name="output")
        else:
            gx, gy, _ = plane(X_all, resolution=120, margin=margin)
            out = layer_maps(net, gx, gy)[-1]
            test = run.test
            spread = float(np.abs(np.concatenate([run.data.y, test.y]) if test else run.data.y).max())
            st.plotly_chart(labfigures.output_figure(
                gx, gy, out, output=run.config.output, title=f"Output at epoch {epoch}",
                X_train=run.data.X, key_train=run.data.y[:, 0] if run.config.classes is None else run.data.labels,
                X_test=None if test is None else test.X,
                key_test=None if test is None else (test.y[:, 0] if run.config.classes is None else test.labels),
                classes=run.config.classes, value_range=spread, interactive=not ss.get(PLAYING)),
                key="lab_output", config=chart_config, width="stretch", theme=None)
            st.caption(labfigures.output_caption(run.config.output, run.config.classes, test is not None))
    reading = read_run(run.history) if run.history is not None else None
    st.plotly_chart(labfigures.curves_figure(
        c, end_epoch=end, epoch=epoch, log_y=bool(ss.get(LOG_Y)), diverged_at=run.history and run.history.diverged_at,
        best_test_epoch=reading.best_test_epoch if reading and lessons.test_rose(reading) else None,
        interactive=not ss.get(PLAYING)),
        key="lab_curves", config=chart_config, width="stretch", theme=None)
    if c is not None and not ss.get(PLAYING):  # c is None at epoch 0, before any training
        with st.expander("The curves' numbers"):
            st.dataframe(tables.curves_frame(c), hide_index=True, width="stretch",
                         column_config={"epoch": st.column_config.NumberColumn(format="%d")})


def backprop_view(run: bp.training.Run, epoch: int) -> None:
    """One backward pass at ``epoch``: every layer's norm, and one layer's W, ∂L/∂W and δ."""
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
    fig = figures.layer_norms_figure(grads.norms, title=f"‖∂L/∂W_l‖ at epoch {epoch}")
    fig.layout.height = 300
    st.plotly_chart(fig, key="lab_norms", config={"displayModeBar": False}, width="stretch")
    with st.expander("The chart's numbers"):
        st.table(tables.layer_norms_frame(grads.norms), hide_index=True)
    too_large = [f"‖∂L/∂W{l}‖" for l, n in enumerate(grads.norms, start=1) if not np.isfinite(n)]
    if too_large:
        st.caption(f"Not finite at epoch {epoch}, so not drawn: {', '.join(too_large)}. The network has "
                          "diverged.")
    names = {l: ("output layer" if l == L else f"hidden layer {l}") + f" (W{l})" for l in range(1, L + 1)}
    if ss.get(LAYER) not in names:
        ss[LAYER] = 1
    layer = st.segmented_control("Layer", options=list(names), format_func=names.get, key=LAYER) or 1
    below = "input" if layer == 1 else f"hidden {layer - 1} unit"
    here = "output" if layer == L else f"hidden {layer} unit"
    w1, w2 = st.columns(2)
    with w1:
        display.heatmap(net.Ws[layer - 1], title=f"W{layer} at epoch {epoch}", row_name=below, col_name=here,
                        symbol=f"W{layer}", key="lab_W", compact=True)
    with w2:
        display.heatmap(grads.dWs[layer - 1], title=f"∂L/∂W{layer}", row_name=below, col_name=here,
                        symbol=f"∂L/∂W{layer}", key="lab_dW", compact=True)
    st.plotly_chart(labfigures.delta_heatmap(grads.deltas[layer - 1], layer=layer, unit_name=here),
                    key="lab_delta", config={"displayModeBar": False}, width="stretch")
    st.caption(f"∂L/∂W{layer} = A{layer - 1}ᵀ·δ{layer} sums over the {run.data.n_samples} training samples, so it has "
               f"W{layer}'s shape. δ is shown transposed, one row per unit. Colours are centred on zero; wide "
               "matrices give their values on hover.")


with views:
    live_views()

st.header("Backpropagation at this epoch")
if playing:
    st.info("Pause to see the backward pass at the epoch training has reached: each layer's W, ∂L/∂W and δ. While "
            "playing, only the numbers, pictures and curves above are redrawn, so that they keep up.",
            icon=":material/pause_circle:")
else:
    backprop_view(run_now, ss[EPOCH])
    if run_now.history is not None:
        d1, d2 = st.columns(2)
        d1.download_button("Download this run (JSON)", exports.run_json(run_now), file_name="training_run.json",
                           mime="application/json", icon=":material/download:", width="stretch", key="lab_json")
        d2.download_button("Download the curves (CSV)", exports.curves_csv(curves(run_now.history)),
                           file_name="training_curves.csv", mime="text/csv", icon=":material/download:",
                           width="stretch", key="lab_csv")

with lesson_box:
    if not run_now.finished:
        st.caption(f"Training live. What this run teaches appears here when it reaches its end, at epoch "
                   f"{config.epochs:,}.")
    elif active is not None and active == lab.preset_of(run_now.config):
        preset = lab.PRESETS[active]
        variants = [(label, full_run(v)) for label, v in lab.variant_configs(preset)]
        with st.container(border=True):
            st.markdown(f"**{active}.** " + lessons.lesson(active, run_now, variants))
            if variants:
                st.dataframe(pd.DataFrame(lessons.comparison(active, run_now, variants)), hide_index=True,
                             width="stretch")
                for col, (label, v) in zip(st.columns(len(variants) + 1), lab.variant_configs(preset), strict=False):
                    col.button(f"Try: {label}", on_click=use, args=(v,), key=f"lab_try_{label}", width="stretch")
    else:
        for kind, text in lessons.diagnostics(run_now):
            {"error": st.error, "warning": st.warning, "info": st.info}[kind](text)

st.header("Is backprop right? Gradient check at epoch 0")
display.rel_error_table(first_epoch_check(config).rel_errors)
n_training = len(run_now.data.X)
st.caption(claims.gradient_check_caption(min(CHECKED_SAMPLES, n_training), n_training, config.hidden))

st.header("Share this run")
link = (st.context.url or "/training") + ("?" + urlencode(wanted, safe=",") if wanted else "")
st.markdown("**Link to these settings** (copy it with the button at the right of the box)")
st.code(link, language=None, wrap_lines=True)
