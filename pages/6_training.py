"""Training lab: a network of any depth trained live on toy data, every unit drawn, every gradient shown."""
import streamlit as st

from dashboard import nav
from dashboard.lab import own_views, projected, session, views

page = nav.page_setup("training", "Training lab", example_page=False)
config, wanted = session.arrive()

st.title("Training lab")
if page.presenter:  # on a projector: Play and the pictures on one screen, then the backward pass and the check
    projected.present(page, config)
    st.stop()
st.markdown(
    "Problems 2–4 compute one backward pass by hand. Training repeats it: forward, backward, then "
    "W ← W − lr·∂L/∂W, epoch after epoch. Build a network, pick the data, press **Play** and watch every unit "
    "learn (it plays in your browser); below, the numbers backpropagation computes at the epoch where it stops. "
    "Everything comes from `backprop`."
)
for text in session.link_warnings():
    st.warning(text, icon=":material/link_off:")

st.markdown("**Start from a lesson**")
active = views.lesson_buttons(config)
run = session.current_run()
lesson_box = st.container()  # filled last: a lesson's comparison runs train after the page's own views
for note in session.notes():
    st.warning(note, icon=":material/speed:" if "epochs" in note else ":material/info:")
views.settings(config, run)

with st.container():
    play = views.play_bar(config, run)
    views.live_views(run, play)

st.header("Backpropagation at this epoch")
views.shown_epoch_bar(run)
views.backprop_view(run, session.shown_epoch(run))
views.downloads(run)
own_views.confusion_view(run, session.shown_epoch(run))
own_views.code_downloads(run, session.shown_epoch(run))

with lesson_box:
    views.lesson(active, config, run)

st.header("Is backprop right? Gradient check at epoch 0")
views.gradient_check(config, run)

st.header("Share this run")
views.share_link(wanted)
