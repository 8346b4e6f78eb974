"""The training lab's session: the run's settings (read from the link on arrival, and kept in the address bar),
the finished run (trained once per setting and cached), its frames for the browser's player (built once per run
and sent once per session), and the epoch the page shows below the player.

What every session showing a run draws the same (the run itself, its frames, its curves, the backward pass and
the confusion matrices at an epoch) is built once per process and shared: a class opening the lab together costs
one build, not one per student. Shared objects are read-only: the run's arrays refuse writes."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import replace

import numpy as np
import streamlit as st

import backprop as bp
from backprop.given import GivenData, GivenWeights
from backprop.reading import Curves, RunReading, curves, read_run
from backprop.runs import start_run, train_config
from dashboard import state
from dashboard.lab import animation, at_epoch, controls, data

CONFIG, NOTES = "lab_config", "lab_notes"
EPOCH, LAYER, ARRIVAL, LINK_WARNINGS = "lab_epoch", "lab_layer", "lab_arrival", "lab_link_warnings"
LOG_Y, RUN_TOKEN, LOG_Y_FOR = "lab_log_y", "lab_run_token", "lab_log_y_for"
#: The learner's last accepted CSV table, and the problems of the last file refused (kept until one is accepted).
TABLE, DATA_PROBLEMS, UPLOAD, PASTE = "lab_table", "lab_data_problems", "lab_upload", "lab_paste"
WEIGHT_PROBLEMS = "lab_weight_problems"
#: The player (its component's key), the frames this session has been sent (their run id) and their epochs, the
#: page's script runs.
PLAYER, FRAMES_SENT, PLAYED, SCRIPT_RUNS = "lab_player", "lab_frames_sent", "lab_played", "lab_script_runs"
#: The expanders holding the curves' and the gradient norms' numbers (made only when opened).
CURVES_NUMBERS, NORMS_NUMBERS = "lab_curves_numbers", "lab_norms_numbers"
#: Frames per second the player starts at (it offers others).
PLAY_FPS = 30
#: How many training samples the gradient check at epoch 0 compares (the numerical gradient needs two forward
#: passes per parameter).
CHECKED_SAMPLES = 20


def use(config: bp.TrainConfig) -> None:
    """Make ``config`` (put right and capped) the page's run: back to its finished run, the scrubber at its end."""
    ss = st.session_state
    settled, notes = controls.settle(config)
    for own in (settled.table, settled.start):
        if own is not None:
            keep(own)
    ss[CONFIG], ss[NOTES] = settled, notes
    # a lesson whose headline shows at an earlier epoch opens there; None (not an epoch) puts the scrubber at the
    # end
    ss[EPOCH] = controls.opening_epoch(settled)
    ss[RUN_TOKEN] = ss.get(RUN_TOKEN, 0) + 1  # each run picks its own loss axis first


def control_key(name: str) -> str:
    """The session-state key of the widget for setting ``name`` (controls.URL_FIELDS' names, and widthN)."""
    return f"lab_w_{name}"


def changed(name: str) -> None:
    """on_change of setting ``name``'s widget: the run with that setting changed. Choosing the learner's own data
    again brings back their last table."""
    ss = st.session_state
    value = ss[control_key(name)]
    if name == "data" and value == "csv" and ss.get(TABLE) is not None:
        use(replace(ss[CONFIG], dataset="csv", table=ss[TABLE]))
    else:
        use(controls.with_control(ss[CONFIG], name, value))


# --- a learner's own data and weights ------------------------------------------------------------------


@st.cache_resource
def _store() -> tuple[OrderedDict, threading.Lock]:
    """Tables and weights too large for a link, kept by this server process under their digest's first 16 hex
    digits (the newest STORED), so that a link naming one opens here; shared by every session."""
    return OrderedDict(), threading.Lock()


STORED = 256


def keep(item: GivenData | GivenWeights) -> None:
    store, lock = _store()
    with lock:
        store[item.digest[:16]] = item
        store.move_to_end(item.digest[:16])
        while len(store) > STORED:
            store.popitem(last=False)


def stored(key: str) -> GivenData | GivenWeights | None:
    store, lock = _store()
    with lock:
        return store.get(key) if isinstance(key, str) else None


def use_table(table: GivenData) -> None:
    """Train on the learner's table, keeping every other setting the data allows (normalise says what it changed)."""
    ss = st.session_state
    ss[TABLE], ss[DATA_PROBLEMS] = table, []
    use(replace(ss[CONFIG], dataset="csv", table=table))


def _read(raw, name: str) -> None:
    try:
        use_table(data.parse_csv(raw, name))
    except data.DataError as exc:  # the run on screen stays; the file's problems are listed
        st.session_state[DATA_PROBLEMS] = [r.message for r in exc.refusals]


def uploaded() -> None:
    """on_change of the file uploader: read the file, or list why not."""
    file = st.session_state.get(UPLOAD)
    if file is not None:
        _read(file.getvalue(), file.name)


def pasted() -> None:
    """on_click of 'Train on the pasted data'."""
    _read(st.session_state.get(PASTE) or "", "the pasted data")


def use_weights(keys: dict[str, str]) -> None:
    """Start the run from pasted weights (W1, b1, …: the text in the box under each key, read by the one parser), or
    list why not: a refused entry by its matrix, row and entry, a wrong shape by the sizes it should have."""
    from dashboard.parsing import EntryError, parse_pasted

    ss = st.session_state
    texts = {name: ss.get(key) or "" for name, key in keys.items()}
    config = ss[CONFIG]
    sizes = controls.layer_sizes(config)
    problems, Ws, bs = [], [], []
    for l in range(1, len(sizes)):
        for name, want in ((f"W{l}", (sizes[l - 1], sizes[l])), (f"b{l}", (1, sizes[l]))):
            try:
                M = parse_pasted(texts.get(name, ""))
            except EntryError as exc:
                problems.append(f"{name}: {exc}.")
                continue
            if M.shape != want and not (name.startswith("b") and M.size == want[1]):
                problems.append(f"{name}: {M.shape[0]} row(s) of {M.shape[1]}; this network's {name} is "
                                f"{want[0]} × {want[1]}.")
                continue
            (Ws if name.startswith("W") else bs).append(M.reshape(-1) if name.startswith("b") else M)
    ss[WEIGHT_PROBLEMS] = problems
    if not problems:
        use(replace(config, start=GivenWeights(tuple(Ws), tuple(bs))))


def seeded_weights() -> None:
    use(replace(st.session_state[CONFIG], start=None))


def use_example(inputs, lr: float, loss: str, page: str) -> None:
    """The lab on a problem page's own network: its X and targets y as the data, its W1, b1, W2 and b2 as the
    starting weights, its loss and η, sigmoid units, full-batch gradient descent."""
    from dashboard.lab.handoff import example_config

    use(example_config(inputs, lr, loss, page))


def arrive() -> tuple[bp.TrainConfig, dict[str, str]]:
    """The run's settings and its link's parameters. On arriving at the page (a link, or the sidebar) a link's
    settings are read, with a warning per value not used; afterwards the address bar follows the settings."""
    ss = st.session_state
    ss[SCRIPT_RUNS] = ss.get(SCRIPT_RUNS, 0) + 1
    if ss.get(ARRIVAL) != ss[state.GENERATION]:
        ss[ARRIVAL] = ss[state.GENERATION]
        ss.pop(FRAMES_SENT, None)  # a player drawn afresh has no frames yet
        params = st.query_params.to_dict()
        ss[LINK_WARNINGS] = ()
        if any(name in params for name in (*controls.URL_FIELDS, "preset")):
            link = controls.config_from_params(params, stored)
            use(link.config)
            ss[LINK_WARNINGS] = link.warnings
        elif CONFIG not in ss:
            use(controls.preset_config(controls.DEFAULT_PRESET))
    config: bp.TrainConfig = ss[CONFIG]
    wanted = controls.params_from_config(config)
    state.set_url(wanted)  # the address bar is always a link to this run (and to presenter mode's place)
    return config, wanted


def read_only(value):
    """``value`` with every numpy array in it (through dataclasses, tuples, lists and dicts) made read-only, so that a
    run shared by every session cannot be changed by one of them: a write raises instead."""
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            read_only(getattr(value, field.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            read_only(item)
    elif isinstance(value, dict):
        for item in value.values():
            read_only(item)
    return value


@st.cache_resource(max_entries=64, ttl=3600, show_spinner="Training the network…")
def full_run(config: bp.TrainConfig) -> bp.runs.Run:
    """The run trained to its end, once per distinct config (a spinner shows while it trains), shared by every
    session (read-only: see read_only). No st element is drawn in here: the cache would draw it again, with every
    update it had, at every later call."""
    return read_only(train_config(config))


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def first_epoch_check(config: bp.TrainConfig):
    """Gradient check of the starting weights on the first CHECKED_SAMPLES training samples, shared (read-only)."""
    run = start_run(config)
    X, y = run.data.X[:CHECKED_SAMPLES], run.targets(run.data)[:CHECKED_SAMPLES]
    return read_only(bp.gradient_check(run.initial, X, y, loss=config.loss, l2=config.l2))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def run_curves(config: bp.TrainConfig, _run: bp.runs.Run) -> Curves:
    """The curves of ``_run`` (the run of ``config``), read once per run."""
    return read_only(curves(_run.history))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def run_reading(config: bp.TrainConfig, _run: bp.runs.Run) -> RunReading:
    """What ``_run`` (the run of ``config``) did, read once per run."""
    return read_only(read_run(_run.history))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def gradients_at(config: bp.TrainConfig, epoch: int, _run: bp.runs.Run) -> bp.network.LayerGradients:
    """The backward pass at kept ``epoch`` of ``_run`` (the run of ``config``), once per run and epoch."""
    return read_only(at_epoch.gradients(_run, epoch))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def norms_at(config: bp.TrainConfig, epoch: int, _run: bp.runs.Run) -> at_epoch.Norms:
    """Every layer's gradient norm at ``epoch``, drawn once per run and epoch."""
    return at_epoch.norms(gradients_at(config, epoch, _run), epoch)


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def layer_at(config: bp.TrainConfig, epoch: int, layer: int, _run: bp.runs.Run) -> at_epoch.Layer:
    """Layer ``layer``'s W, ∂L/∂W and δ at ``epoch``, drawn once per run, epoch and layer."""
    return at_epoch.layer(_run, gradients_at(config, epoch, _run), epoch, layer)


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def per_class_at(config: bp.TrainConfig, epoch: int, _run: bp.runs.Run) -> at_epoch.PerClass | None:
    """The confusion matrices at ``epoch`` (None for a run that is not a classifier), drawn once per run and epoch."""
    return at_epoch.per_class(_run, epoch)


def current_run() -> bp.runs.Run:
    """The settings' finished run."""
    return full_run(st.session_state[CONFIG])


def shown_epoch(run: bp.runs.Run) -> int:
    """The epoch the page shows below the player (the scrubber's): a kept epoch of ``run``, its last at first."""
    ss = st.session_state
    if ss.get(EPOCH) not in run.snapshot_epochs:
        ss[EPOCH] = run.snapshot_epochs[-1]
    return ss[EPOCH]


# --- Play in the browser ---------------------------------------------------------------------------------


@st.cache_resource(max_entries=16, ttl=3600, show_spinner=False)
def play_frames(config: bp.TrainConfig, log_y: bool, best_test_epoch: int | None,
                _run: bp.runs.Run) -> animation.Play:
    """The frames of ``_run`` (the run of ``config``, left out of the cache's key), built once and shared by every
    session: nothing changes them."""
    return animation.play_of(_run, log_y=log_y, best_test_epoch=best_test_epoch)


def run_id(config: bp.TrainConfig, log_y: bool, best_test_epoch: int | None) -> str:
    """A name for the frames of these settings that the browser's player keeps them under."""
    return hashlib.sha256(repr((config, log_y, best_test_epoch)).encode()).hexdigest()[:16]


def player_data(play: animation.Play, run: bp.runs.Run, name: str) -> bytes:
    """What the player is given on this run of the page (see player.player): its fields as JSON, and the frames,
    gzipped after a newline, only if this session has not been sent them (the player keeps them, and asks again
    if it has lost them).

    Bytes, with the frames packed once per run: Streamlit forwards bytes as they are, where a dict would be written
    out as JSON twice per script run (once to send, once to name the element); and every byte of the frames is
    sent, relayed and hashed once per student, the largest part of a class's first views of the lab."""
    ss = st.session_state
    send = ss.get(FRAMES_SENT) != name
    ss[FRAMES_SENT], ss[PLAYED] = name, play.epochs
    fields = {"run": name, "epochs": play.epochs, "epoch": shown_epoch(run), "total": run.epochs_done,
              "charts": list(play.charts), "fps": PLAY_FPS, "runs": ss[SCRIPT_RUNS]}
    head = json.dumps(fields, separators=(",", ":")).encode()
    return b"\n".join((head, play.packed)) if send else head


def player_rested() -> None:
    """on_epoch of the player: it came to rest on an epoch (Pause, Step, the timeline, the end of the run), which
    the page now shows below it."""
    ss = st.session_state
    epoch = (ss.get(PLAYER) or {}).get("epoch")
    # Checked against the epochs the player was given (a callback runs before the page has its run): a late
    # message about another run's epoch is ignored.
    if isinstance(epoch, int) and epoch in ss.get(PLAYED, ()):
        ss[EPOCH] = epoch


def player_lacks_frames() -> None:
    """on_missing of the player: it was drawn afresh without this session's frames, so they are sent again."""
    st.session_state.pop(FRAMES_SENT, None)


def link_warnings() -> list[str]:
    """What was wrong with the link the page was opened with (each names the parameter, never echoes it)."""
    return list(st.session_state[LINK_WARNINGS])


def notes() -> list[str]:
    """What the run changed from the settings asked for (a work cap that cut the epochs, outputs the data decides)."""
    return list(st.session_state[NOTES])
