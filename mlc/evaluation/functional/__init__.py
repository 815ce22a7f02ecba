"""Numpy implementations of the mlc evaluation protocol (conventions §7)."""
from .average_precision import average_precision, mean_average_precision
from .f1_scores import (F1_KEYS, f1_counts, f1_from_counts, multilabel_f1,
                        tune_thresholds)
from .shot_groups import (GROUP_ALIASES, GROUPS, class_freq_from_ann_file,
                          group_map, group_of_classes, load_class_split,
                          split_from_class_freq)

__all__ = [
    'average_precision', 'mean_average_precision', 'F1_KEYS', 'f1_counts',
    'f1_from_counts', 'multilabel_f1', 'tune_thresholds', 'GROUPS',
    'GROUP_ALIASES', 'load_class_split', 'split_from_class_freq',
    'class_freq_from_ann_file', 'group_map', 'group_of_classes'
]
