"""The training lab on a projector (presenter mode): Play with the network, the output map and the curves on one
1280 × 720 screen (played in the browser by the lab's player), then the backward pass at the shown epoch, then the
gradient check, a slide each.

Kept apart from the page's own sections (views), so that a change to those leaves this layout alone: it uses the
lab session's public functions and the player's frames, sized for the screen. Play, Pause, Step and Reset sit
above the pictures and keep their place, and nothing below them appears or goes: the view never moves.
"""
from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

import backprop as bp
from dashboard import display, figures, presenter
from dashboard.lab import animation, lessons
from dashboard.lab import session as ls
from dashboard.lab.views import gradient_check, play_bar
from dashboard.nav import Page
from dashboard.presenting import Projector

SLIDES = ("Train it live", "The backward pass at this epoch", "Is backprop right? Gradient check at epoch 0")
#: The pictures' height on the first slide at 100 % (the room under the heading, the buttons and the status line).
PICTURES_PX = 400


def present(page: Page, config: bp.TrainConfig) -> None:
    """The lab's slides (see the module's docstring)."""
    index = presenter.deck(page, SLIDES)
    run = ls.current_run()
    screen = Projector(page.text_size)
    if index == 0:
        with st.container(key="lab-present-buttons"):
            play = play_bar(config, run, log_toggle=False)
        _pictures(page, screen, run, play)
    elif index == 1:
        _backward(page, screen, run)
    else:
        gradient_check(config, run)


def _pictures(page: Page, screen: Projector, run: bp.runs.Run, play: animation.Play) -> None:
    """The network, the output and the curves side by side at the shown epoch, sized for the projector: the same
    charts (by key) that the player above animates in the browser with ``play``'s frames."""
    epoch = ls.shown_epoch(run)
    loss = ls.gradients_at(run.config, epoch, run).loss
    presenter.note(f"Showing epoch {epoch} · training loss {lessons.loss_words(loss)}")
    height = round(PICTURES_PX * (1 if screen.scale == 1 else 0.9))
    chart_config = {"displayModeBar": False}
    columns = st.columns(3, gap="small")
    keys = ["lab_network", "lab_outputs" if "lab_outputs" in play.charts else "lab_output", "lab_curves"]
    for column, key in zip(columns, keys, strict=True):
        fig = go.Figure(play.charts[key].at(epoch))  # a copy: the frames' figures are shared by every session
        fig.layout.height = height
        if key == "lab_output":  # a third of the screen: no colour bar (the caption on the lab's page says the
            # scale), and labels far enough apart at projector sizes
            fig.data = [t for t in fig.data if not (t.type == "scatter" and t.marker.showscale)]
            fig.update_xaxes(nticks=4)
            fig.update_yaxes(nticks=4)
        figures.for_projector(fig, screen.scale, page.theme)
        column.plotly_chart(fig, key=key, config=chart_config, width="stretch", theme=None)


def _backward(page: Page, screen: Projector, run: bp.runs.Run) -> None:
    """The backward pass's rule and every layer's gradient norm at the shown epoch."""
    epoch = ls.shown_epoch(run)
    grads = ls.gradients_at(run.config, epoch, run)
    display.latex_row((r"\delta_l = (\delta_{l+1} W_{l+1}^T) \ast f'(Z_l)",
                       r"\frac{\partial L}{\partial W_l} = A_{l-1}^T \, \delta_l"), size="")
    st.plotly_chart(figures.layer_norms_figure(grads.norms, title=f"Gradient norm ‖∂L/∂W‖ of each layer at epoch "
                                               f"{epoch}", height=round(300 * screen.scale), scale=screen.scale,
                                               theme=page.theme),
                    key="lab_present_norms", config={"displayModeBar": False}, width="stretch")
