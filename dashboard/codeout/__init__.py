"""Working code out of the app: scripts that load an exported network (numpy, PyTorch) and Jupyter notebooks that
redo a page's worked numbers or a lab run in numpy. Pure builders of file text; the pages offer them as downloads."""
