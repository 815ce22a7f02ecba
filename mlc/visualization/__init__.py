"""Figures and visualizer options (import the submodules directly: the
drawing ones import matplotlib)."""
