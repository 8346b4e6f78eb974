"""Training loop: repeat the backward pass of Problems 2–4 and watch the network learn."""
from dataclasses import replace

import numpy as np
import streamlit as st

import backprop as bp
from backprop.training import TrainConfig, decision_grid, prepare, train_config
from dashboard import display, exports, figures, nav, state
from dashboard.lab import (
    DATASET_LABELS,
    HEADS,
    INIT_SCALES,
    LEARNING_RATES,
    PRESET_NOTES,
    PRESETS,
    apply_cap,
    lessons,
    preset_config,
)
from dashboard.numbers import short

page = nav.page_setup("training", "Training loop", example_page=False)
st.title("Training loop")
st.markdown(
    "Problems 2–4 compute one backward pass by hand. Training repeats it: forward, backward, then "
    "W ← W − lr · ∂L/∂W, epoch after epoch. Every curve below comes from `backprop.train`."
)

# --- settings: each control's value lives in session state, so presets can set them ---------------
ss = st.session_state
SETTINGS = {  # control key → TrainConfig field
    "train_dataset": "dataset", "train_n": "n_samples", "train_noise": "noise", "train_data_seed": "data_seed",
    "train_width": "hidden_units", "train_hidden": "hidden", "train_lr": "lr", "train_epochs": "epochs",
    "train_scale": "init_scale", "train_seed": "seed",
}


def load_preset(name: str) -> None:
    config = preset_config(name)
    for key, field in SETTINGS.items():
        ss[key] = getattr(config, field)
    ss["train_head"] = next(label for label, pair in HEADS.items() if pair == (config.output, config.loss))
    ss["train_preset"] = name


if "train_preset" not in ss:
    load_preset("Learn XOR")

st.markdown("**Start from a lesson**")
preset_cols = st.columns(len(PRESETS))
for col, name in zip(preset_cols, PRESETS, strict=True):
    col.button(name, on_click=load_preset, args=(name,), width="stretch",
               type="primary" if ss["train_preset"] == name else "secondary")
st.caption(PRESET_NOTES[ss["train_preset"]])

controls, charts = st.columns([1.3, 3], gap="large")
with controls, st.container(border=True):
    st.markdown("**Data**")
    state.persistent(st.selectbox, "Data set", "train_dataset", options=list(DATASET_LABELS),
                     format_func=DATASET_LABELS.get)
    single = ss["train_dataset"] == "assignment"
    state.persistent(st.slider, "Samples", "train_n", min_value=20, max_value=1000, step=10, disabled=single)
    state.persistent(st.slider, "Noise", "train_noise", min_value=0.0, max_value=0.6, step=0.05, disabled=single)
    state.persistent(st.number_input, "Data seed", "train_data_seed", min_value=0, max_value=10_000, step=1,
                     disabled=single)
    st.markdown("**Model**")
    state.persistent(st.slider, "Hidden units H", "train_width", min_value=1, max_value=64, step=1)
    state.persistent(st.selectbox, "Hidden activation", "train_hidden", options=["sigmoid", "tanh", "relu"])
    state.persistent(st.selectbox, "Output and loss", "train_head", options=list(HEADS),
                     help="bce is binary cross-entropy on a sigmoid output; mse is (1/2N)·Σ(A2 − y)².")
    st.markdown("**Optimiser**")
    state.persistent(st.select_slider, "Learning rate (log scale)", "train_lr", options=LEARNING_RATES)
    state.persistent(st.slider, "Epochs", "train_epochs", min_value=10, max_value=5000, step=10)
    state.persistent(st.select_slider, "Initial weight scale (std of W)", "train_scale", options=INIT_SCALES)
    state.persistent(st.number_input, "Weight seed", "train_seed", min_value=0, max_value=10_000, step=1)
    retrain = st.button("Train again", icon=":material/replay:", width="stretch",
                        help="Runs the same settings again: the curves are identical, because every run is seeded.")

output, loss = HEADS[ss["train_head"]]
requested = replace(TrainConfig(), output=output, loss=loss,
                    **{field: ss[key] for key, field in SETTINGS.items()})
config, cap_message = apply_cap(requested)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def run_training(config: TrainConfig, attempt: int = 0):
    """One training run per distinct config (``attempt`` forces a fresh run of the same config), with a
    progress bar while it trains (cleared at the end, so a cached result shows none)."""
    bar = st.progress(0.0, text="Training…")
    every = max(1, config.epochs // 40)

    def report(epoch: int, loss: float) -> None:
        if epoch % every == 0:
            bar.progress(epoch / config.epochs, text=f"Training: epoch {epoch} of {config.epochs}, loss {short(loss)}")

    run = train_config(config, callback=report)
    bar.empty()
    return run


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def first_epoch_check(config: TrainConfig):
    """Gradient check at the starting weights: needs the data and initial params, not the training run."""
    data, initial = prepare(config)
    return bp.gradient_check(initial, data.X, data.y, loss=config.loss, hidden=config.hidden, output=config.output)


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def boundary(params: bp.Params, X, hidden: str, output: str):
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged network's outputs may overflow: shown as gaps
        return decision_grid(params, X, hidden, output, resolution=90)


if retrain:  # a new cache key: the run is repeated (and, being seeded, comes out the same)
    ss["train_attempt"] = ss.get("train_attempt", 0) + 1
run = run_training(config, ss.get("train_attempt", 0))
history = run.history

with charts:
    if cap_message:
        st.warning(cap_message, icon=":material/speed:")
    for kind, text in lessons(history, config):
        {"error": st.error, "warning": st.warning, "info": st.info}[kind](text)
    m1, m2, m3 = st.columns(3)
    m1.metric("Loss at epoch 0", short(history.losses[0], 3) if history.epochs_run else "—")
    m2.metric("Final loss", short(history.final_loss, 3), help=f"after {history.epochs_run} epochs")
    if history.final_accuracy is not None:
        m3.metric("Accuracy", "—" if history.diverged_at is not None else f"{history.final_accuracy:.0%}")
    st.caption(f"A {run.data.X.shape[1]}-{config.hidden_units}-{run.data.y.shape[1]} network "
               f"({config.hidden} hidden, {config.output} output, {config.loss} loss) trained for "
               f"{history.epochs_run} epochs on {run.data.n_samples} sample(s).")
    log_y = st.toggle("Logarithmic loss axis", key="train_log_y")
    st.plotly_chart(figures.training_curves_figure(history, log_y=log_y, epoch=ss.get("train_epoch")),
                    key="curves_chart", config={"displayModeBar": False}, width="stretch")

st.header("Scrub through training")
epochs = [snap.epoch for snap in history.snapshots]
if ss.get("train_epoch") not in epochs:
    ss["train_epoch"] = epochs[-1]
epoch = st.select_slider("Epoch", options=epochs, key="train_epoch",
                         help="The weights before the update of that epoch, and the gradients at them. The last "
                              "position is the trained network.")
snap = history.snapshot_at(epoch)
st.caption(f"Epoch {snap.epoch}: loss {short(snap.loss)}")
left, right = st.columns(2, gap="large")
with left:
    if run.data.X.shape[1] == 2 and run.data.y.shape[1] == 1:
        xs, ys, grid = boundary(snap.params, run.data.X, config.hidden, config.output)
        st.plotly_chart(figures.boundary_figure(xs, ys, grid, run.data.X, run.data.y,
                                                title=f"Decision boundary at epoch {snap.epoch}"),
                        key="boundary_chart", config={"displayModeBar": False}, width="stretch")
    else:
        st.markdown(f"**Output at epoch {snap.epoch}** (target {run.data.y.tolist()})")
        display.show_table(bp.predict(snap.params, run.data.X, config.hidden, config.output), row_name="sample",
                           col_name="output")
    display.heatmap(snap.params.W2.T, title=f"W2ᵀ at epoch {snap.epoch}", row_name="output", col_name="hidden unit",
                    symbol="W2ᵀ", key="scrub_W2", compact=True)
    display.heatmap(snap.grads["W2"].T, title="(∂L/∂W2)ᵀ", row_name="output", col_name="hidden unit",
                    symbol="(∂L/∂W2)ᵀ", key="scrub_dW2", compact=True)
with right:
    display.heatmap(snap.params.W1, title=f"W1 at epoch {snap.epoch}", row_name="input", col_name="hidden unit",
                    symbol="W1", key="scrub_W1", compact=True)
    display.heatmap(snap.grads["W1"], title="∂L/∂W1", row_name="input", col_name="hidden unit", symbol="∂L/∂W1",
                    key="scrub_dW1", compact=True)
st.caption("W2 and its gradient are shown transposed (one row per output) so that wide hidden layers fit. "
           "Beyond 8 hidden units the values are on hover rather than in the cells.")

st.header("Is backprop right? Gradient check at epoch 0")
display.rel_error_table(first_epoch_check(config).rel_errors)
st.caption("Analytic gradients from backward() against centred differences of the loss, for the starting weights "
           "of this run. relu has a kink at 0, where errors up to about 1e-4 are expected.")

st.download_button("Download the loss history (CSV)", exports.history_csv(history), file_name="loss_history.csv",
                   mime="text/csv", icon=":material/download:")
