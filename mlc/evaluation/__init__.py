"""Evaluation of mlc: numpy functional protocol and mmengine metrics."""
from .functional import (
    average_precision,
    load_class_split,
    mean_average_precision,
    multilabel_f1,
    split_from_class_freq,
    tune_thresholds,
)
from .metrics import DumpPredictions, MLCAveragePrecision, MLCF1Metric

__all__ = [
    'average_precision', 'mean_average_precision', 'multilabel_f1',
    'tune_thresholds', 'load_class_split', 'split_from_class_freq',
    'DumpPredictions', 'MLCAveragePrecision', 'MLCF1Metric'
]
