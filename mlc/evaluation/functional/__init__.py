"""The evaluation protocol in numpy (docs/conventions.md section 7)."""
from .average_precision import average_precision, mean_average_precision
from .f1_scores import (
    F1_KEYS,
    f1_counts,
    f1_from_counts,
    multilabel_f1,
    tune_thresholds,
)
from .shot_groups import (
    GROUP_ALIASES,
    GROUPS,
    SHOT_RULES,
    class_freq_from_ann_file,
    describe_shot_rule,
    group_map,
    group_of_classes,
    load_class_split,
    split_by_rank,
    split_from_class_freq,
    split_from_counts,
)

__all__ = [
    'average_precision', 'mean_average_precision', 'F1_KEYS', 'f1_counts',
    'f1_from_counts', 'multilabel_f1', 'tune_thresholds', 'GROUPS',
    'GROUP_ALIASES', 'SHOT_RULES', 'describe_shot_rule', 'load_class_split',
    'split_by_rank', 'split_from_class_freq', 'split_from_counts',
    'class_freq_from_ann_file', 'group_map', 'group_of_classes'
]
