"""The training lab on a projector (presenter mode): Play with the network, the output map and the curves on one
1280 × 720 screen, then the backward pass at the shown epoch, then the gradient check, a slide each.

Kept apart from the page's own sections (views), so that a change to those leaves this layout alone: it uses the
lab session's public functions and the plots' builders, sized for the screen. Play, Pause, Step and Reset sit
above the pictures and keep their place, and nothing below them appears or goes: the view never moves.
"""
from __future__ import annotations

import numpy as np
import streamlit as st

import backprop as bp
from backprop.planes import layer_maps, plane
from backprop.reading import curves, read_run
from dashboard import display, figures, presenter
from dashboard.lab import controls, lessons, plots
from dashboard.lab import session as ls
from dashboard.lab.views import FRAME_SECONDS, gradient_check
from dashboard.nav import Page
from dashboard.numbers import row
from dashboard.presenting import Projector

SLIDES = ("Train it live", "The backward pass at this epoch", "Is backprop right? Gradient check at epoch 0")
#: The pictures' height on the first slide at 100 % (the room under the heading, the buttons and the status line).
PICTURES_PX = 400


def present(page: Page, config: bp.TrainConfig) -> None:
    """The lab's slides (see the module's docstring)."""
    index = presenter.deck(page, SLIDES)
    run = ls.current_run()
    ss = st.session_state
    if ss.get(ls.SPEED) not in controls.play_speeds(config):
        ss[ls.SPEED] = controls.default_speed(config)
    if not ls.playing() and ss.get(ls.EPOCH) not in run.snapshot_epochs:
        ss[ls.EPOCH] = run.snapshot_epochs[-1]
    screen = Projector(page.text_size)
    if index == 0:
        _buttons(run)
        st.fragment(_pictures, run_every=FRAME_SECONDS if ls.playing() else None)(page, screen)
    elif index == 1:
        _backward(page, screen, run)
    else:
        gradient_check(config, run)


def _buttons(run: bp.runs.Run) -> None:
    """Play or Pause, Step and Reset, in one row whose place never changes."""
    playing = ls.playing()
    with st.container(horizontal=True, key="lab-present-buttons"):
        if playing:
            st.button("Pause", icon=":material/pause:", on_click=ls.pause, key="lab_pause", type="primary")
        else:
            st.button("Play" if st.session_state.get(ls.LIVE) is not None and not run.finished else "Play from epoch 0",
                      icon=":material/play_arrow:", on_click=ls.play, type="primary", key="lab_play")
        st.button("Step", icon=":material/skip_next:", on_click=ls.step, key="lab_step",
                  disabled=playing or st.session_state.get(ls.LIVE) is None or run.finished,
                  help="Train one more epoch.")
        st.button("Reset", icon=":material/restart_alt:", on_click=ls.reset, key="lab_reset",
                  help="Back to epoch 0: the seeded starting weights.")


def _pictures(page: Page, screen: Projector) -> None:
    """The status, and the network, the output map and the curves side by side (a fragment that trains a frame
    per rerun while playing, as the page's own live views do)."""
    run = ls.current_run()
    if ls.playing():
        run = ls.play_frame(run)
    epoch = ls.shown_epoch(run)
    c = curves(run.history) if run.history is not None else None
    net = run.network_at(epoch)
    loss = bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2).loss
    state = f"Epoch {run.epochs_done:,} of {run.config.epochs:,}" if not run.finished else \
        f"Finished: {run.epochs_done:,} epochs"
    presenter.note(f"{state} · showing epoch {epoch} · training loss {lessons.loss_words(loss)}")
    X_all = run.data.X if run.test is None else np.vstack([run.data.X, run.test.X])
    margin = 2.0 if run.config.dataset == "assignment" else 0.5
    height = round(PICTURES_PX * (1 if screen.scale == 1 else 0.9))
    chart_config = {"displayModeBar": False, "staticPlot": True}
    left, middle, right = st.columns(3, gap="small")
    xs, ys, _ = plane(X_all, resolution=22, margin=margin)
    network = plots.network_figure(net.Ws, net.bs, layer_maps(net, xs, ys), np.stack(np.meshgrid(xs, ys), axis=-1),
                                   hidden=run.config.hidden, output=run.config.output,
                                   title=f"The network at epoch {epoch}", interactive=False)
    network.layout.height = height
    figures.for_projector(network, screen.scale, page.theme)
    left.plotly_chart(network, key="lab_present_network", config=chart_config, width="stretch", theme=None)
    if run.config.dataset == "assignment":
        with middle:
            st.markdown(f"**Outputs at epoch {epoch}** (target {row(run.data.y[0])})")
            display.show_table(bp.predict(net, run.data.X), row_name="sample", col_name="output")
    else:
        gx, gy, _ = plane(X_all, resolution=90, margin=margin)
        test = run.test
        spread = float(np.abs(np.concatenate([run.data.y, test.y]) if test else run.data.y).max())
        output = plots.output_figure(
            gx, gy, layer_maps(net, gx, gy)[-1], output=run.config.output, title=f"Output at epoch {epoch}",
            X_train=run.data.X, key_train=run.data.y[:, 0] if run.config.classes is None else run.data.labels,
            X_test=None if test is None else test.X,
            key_test=None if test is None else (test.y[:, 0] if run.config.classes is None else test.labels),
            classes=run.config.classes, value_range=spread, interactive=False)
        output.layout.height = height
        figures.for_projector(output, screen.scale, page.theme)
        middle.plotly_chart(output, key="lab_present_output", config=chart_config, width="stretch", theme=None)
    reading = read_run(run.history) if run.history is not None else None
    end = run.epochs_done if run.finished else run.config.epochs
    losses = plots.curves_figure(
        c, end_epoch=end, epoch=epoch, log_y=bool(st.session_state.get(ls.LOG_Y)),
        diverged_at=run.history and run.history.diverged_at,
        best_test_epoch=reading.best_test_epoch if reading and lessons.test_rose(reading) else None,
        interactive=False)
    losses.layout.height = height
    figures.for_projector(losses, screen.scale, page.theme)
    right.plotly_chart(losses, key="lab_present_curves", config=chart_config, width="stretch", theme=None)


def _backward(page: Page, screen: Projector, run: bp.runs.Run) -> None:
    """The backward pass's rule and every layer's gradient norm at the shown epoch."""
    epoch = ls.shown_epoch(run)
    net = run.network_at(epoch)
    grads = bp.network_gradients(net, run.data.X, run.targets(run.data), run.config.loss, l2=run.config.l2)
    display.latex_row((r"\delta_l = (\delta_{l+1} W_{l+1}^T) \ast f'(Z_l)",
                       r"\frac{\partial L}{\partial W_l} = A_{l-1}^T \, \delta_l"), size="")
    st.plotly_chart(figures.layer_norms_figure(grads.norms, title=f"Gradient norm ‖∂L/∂W‖ of each layer at epoch "
                                               f"{epoch}", height=round(300 * screen.scale), scale=screen.scale,
                                               theme=page.theme),
                    key="lab_present_norms", config={"displayModeBar": False}, width="stretch")
