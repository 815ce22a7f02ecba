"""Readers and figures of ``tools/analysis_tools/analyze_logs.py``: learning
curves (:mod:`.curves`), per-class AP (:mod:`.per_class_ap`) and label
corrections (:mod:`.corrections`) of training work dirs."""
import matplotlib

matplotlib.use('Agg')  # before any module of the package imports pyplot
