"""The training lab (/training): a network of any depth trained on toy data, with every unit drawn and every
gradient shown.

- controls: the choices each control offers, the lessons (presets), the per-run work cap and the settings as a
  link (pure)
- lessons: what a run teaches, in sentences built from its own numbers, and the bounds each lesson's run must
  show (pure)
- plots: the lab's figures: curves, the output over the plane, the network as pictures (pure)
- session: the lab's session state: settings from the link, cached runs, Play/Pause/Step/Reset (Streamlit)
- views: the page's sections in order (Streamlit)
"""
