"""The training lab (/training): a network of any depth trained on toy data, with every unit drawn and every
gradient shown.

- controls: the choices each control offers, the lessons (presets), the per-run work cap and the settings as a
  link (pure)
- lessons: what a run teaches, in sentences built from its own numbers, and the bounds each lesson's run must
  show (pure)
- plots: the lab's figures: curves, the output over the plane, the network as pictures (pure)
- animation: what Play sends the browser: each animated chart and, for every kept epoch, the patch of its layout that
  shows that epoch (pure)
- player: Play, Pause, Step, Reset and the timeline, run in the browser on those frames (a Streamlit component)
- session: the lab's session state: settings from the link, cached runs and their frames, the epoch shown below
  the player (Streamlit)
- views: the page's sections in order (Streamlit)
"""
