"""Shot groups (many / medium / few) and group mAP (docs/conventions.md,
section 7).

A class split is a dict ``{"many": [...], "medium": [...], "few": [...]}`` of
class indices, or the path of a JSON file holding one. The Distribution-
Balanced-loss keys are accepted and mapped: ``head`` → ``many``, ``middle``
→ ``medium``, ``tail`` → ``few`` (``medium`` is also accepted as is). A split
can also be derived from the positives per class of the training set by one
of three rules (:data:`SHOT_RULES`):

- ``'count'``: many ≥ ``many_thr`` (100), few < ``few_thr`` (20), medium
  otherwise (the benchmarks' rule; on a small set it may leave a group
  empty);
- ``'rank'``: the ``round(many_frac * C)`` classes with the most positives
  are many, the ``round(few_frac * C)`` with the fewest few (ties broken by
  class index, the lower index ranking higher);
- ``'quantile'``: few ≤ the ``few_frac`` quantile of the counts, many ≥ the
  ``1 - many_frac`` quantile (and not few); tied counts share a group.
"""
from typing import Dict, List, Mapping, Optional, Sequence, Union

import mmengine
import numpy as np

GROUPS = ('many', 'medium', 'few')
SHOT_RULES = ('count', 'rank', 'quantile')
GROUP_ALIASES = {
    'many': 'many',
    'medium': 'medium',
    'few': 'few',
    'head': 'many',
    'middle': 'medium',
    'tail': 'few',
}

ClassSplit = Dict[str, List[int]]


def load_class_split(split: Union[str, Mapping[str, Sequence[int]]],
                     num_classes: Optional[int] = None) -> ClassSplit:
    """Normalise a class split.

    Args:
        split (str | Mapping): a dict group name → class indices (any
            iterable of ints, e.g. the sets of a DB ``class_split.pkl``) or a
            JSON file path holding such a dict. Keys are mapped through
            ``GROUP_ALIASES``; unknown keys raise.
        num_classes (int, optional): C; if given, indices must lie in
            [0, C).

    Returns:
        dict: ``{"many": [...], "medium": [...], "few": [...]}`` with sorted
        int lists (missing groups are empty). A class in two groups raises.
    """
    if isinstance(split, str):
        split = mmengine.load(split, file_format='json')
    if not isinstance(split, Mapping):
        raise TypeError(f'class_split must be a dict or a JSON path, got '
                        f'{type(split).__name__}')
    result: ClassSplit = {group: [] for group in GROUPS}
    for key, indices in split.items():
        group = GROUP_ALIASES.get(str(key).lower())
        if group is None:
            raise KeyError(f'unknown class_split group {key!r}; expected one '
                           f'of {sorted(GROUP_ALIASES)}')
        result[group].extend(int(i) for i in indices)
    seen: set = set()
    for group in GROUPS:
        members = sorted(result[group])
        if len(set(members)) != len(members) or seen.intersection(members):
            raise ValueError(f'class_split: a class appears twice (group '
                             f'{group!r})')
        seen.update(members)
        result[group] = members
    if num_classes is not None and seen and (min(seen) < 0
                                             or max(seen) >= num_classes):
        raise ValueError(f'class_split indices must lie in [0, {num_classes})')
    return result


def split_from_class_freq(class_freq: Sequence[int],
                          many_thr: int = 100,
                          few_thr: int = 20) -> ClassSplit:
    """Split classes by their number of training positives.

    Args:
        class_freq (Sequence[int]): (C,) positives per class in the training
            set.
        many_thr (int): classes with ≥ ``many_thr`` positives are many-shot.
        few_thr (int): classes with < ``few_thr`` positives are few-shot;
            the rest are medium-shot.

    Returns:
        dict: ``{"many": [...], "medium": [...], "few": [...]}``.
    """
    if few_thr > many_thr:
        raise ValueError(f'few_thr ({few_thr}) must not exceed many_thr '
                         f'({many_thr})')
    freq = np.asarray(class_freq)
    if freq.ndim != 1:
        raise ValueError(f'class_freq must be 1-D, got shape {freq.shape}')
    many = freq >= many_thr
    few = freq < few_thr
    medium = ~(many | few)
    return {
        'many': np.flatnonzero(many).tolist(),
        'medium': np.flatnonzero(medium).tolist(),
        'few': np.flatnonzero(few).tolist(),
    }


def split_by_rank(class_freq: Sequence[int], many_frac: float = 1 / 3,
                  few_frac: float = 1 / 3, rule: str = 'rank'
                  ) -> ClassSplit:
    """Split classes by frequency rank or by count quantiles.

    Args:
        class_freq (Sequence[int]): (C,) positives per class in the training
            set.
        many_frac (float): share of classes (``'rank'``) or upper quantile
            mass (``'quantile'``) that is many-shot.
        few_frac (float): share / lower quantile mass that is few-shot.
        rule (str): ``'rank'`` or ``'quantile'`` (see module doc).

    Returns:
        dict: ``{"many": [...], "medium": [...], "few": [...]}``.
    """
    if rule not in ('rank', 'quantile'):
        raise ValueError(f"rule must be 'rank' or 'quantile', got {rule!r}")
    if not (0 <= many_frac <= 1 and 0 <= few_frac <= 1
            and many_frac + few_frac <= 1):
        raise ValueError(f'many_frac ({many_frac}) and few_frac ({few_frac}) '
                         'must lie in [0, 1] and sum to at most 1')
    freq = np.asarray(class_freq)
    if freq.ndim != 1 or freq.size == 0:
        raise ValueError(f'class_freq must be 1-D and non-empty, got shape '
                         f'{freq.shape}')
    num = freq.size
    if rule == 'rank':
        order = np.lexsort((np.arange(num), -freq))  # most positives first
        num_many = int(round(many_frac * num))
        num_few = min(int(round(few_frac * num)), num - num_many)
        many = np.zeros(num, bool)
        few = np.zeros(num, bool)
        many[order[:num_many]] = True
        few[order[num - num_few:]] = True
    else:
        few = (freq <= np.quantile(freq, few_frac) if few_frac > 0 else
               np.zeros(num, bool))
        many = (freq >= np.quantile(freq, 1 - many_frac)) & ~few if (
            many_frac > 0) else np.zeros(num, bool)
    return {
        'many': np.flatnonzero(many).tolist(),
        'medium': np.flatnonzero(~(many | few)).tolist(),
        'few': np.flatnonzero(few).tolist(),
    }


def describe_shot_rule(rule: str, many_thr: int, few_thr: int,
                       many_frac: float, few_frac: float) -> str:
    """How a split was derived from counts, for logs and tables."""
    if rule == 'count':
        return f'count rule: many >= {many_thr}, few < {few_thr} positives'
    if rule == 'rank':
        return (f'rank rule: top {many_frac:.3g} of classes many, bottom '
                f'{few_frac:.3g} few')
    return (f'quantile rule: many >= the {1 - many_frac:.3g} quantile of the '
            f'counts, few <= the {few_frac:.3g} quantile')


def split_from_counts(class_freq: Sequence[int], rule: str = 'count',
                      many_thr: int = 100, few_thr: int = 20,
                      many_frac: float = 1 / 3, few_frac: float = 1 / 3
                      ) -> ClassSplit:
    """The split of ``class_freq`` under ``rule`` (see module doc)."""
    if rule not in SHOT_RULES:
        raise ValueError(f'shot rule must be one of {SHOT_RULES}, got '
                         f'{rule!r}')
    if rule == 'count':
        return split_from_class_freq(class_freq, many_thr, few_thr)
    return split_by_rank(class_freq, many_frac, few_frac, rule)


def class_freq_from_ann_file(ann_file: str,
                             num_classes: Optional[int] = None
                             ) -> np.ndarray:
    """Observed positives per class of any annotation file a dataset reads.

    Args:
        ann_file (str): a standard annotation file (format:
            docs/conventions.md section 3), a COCO instances JSON, a CSV label
            table or a list file ``IMAGE,<class indices>`` (format told
            from the file).
        num_classes (int, optional): C; a list file (which does not name
            its classes) is counted over C columns (its largest index + 1
            without it); other formats must have C classes.

    Returns:
        np.ndarray: (C,) int64 counts of observed positives per class.
    """
    # imported here: the readers' package imports this module's package
    from mlc.datasets.readers.any_format import read_any_labels
    _, classes, observed = read_any_labels(ann_file)
    counts = (observed == 1).sum(0).astype(np.int64)
    if num_classes is None:
        return counts
    if classes is None and counts.size <= num_classes:
        return np.pad(counts, (0, num_classes - counts.size))
    if counts.size != num_classes:
        raise ValueError(f'{ann_file}: {counts.size} classes, predictions '
                         f'have {num_classes}')
    return counts


def group_of_classes(split: ClassSplit, num_classes: int) -> List[str]:
    """Group name of each class (``''`` for a class in no group).

    Returns:
        list: (C,) group names.
    """
    names = [''] * num_classes
    for group in GROUPS:
        for c in split[group]:
            names[c] = group
    return names


def group_map(ap: np.ndarray, split: ClassSplit) -> Dict[str, dict]:
    """Mean AP of each shot group over its non-empty classes.

    Args:
        ap (np.ndarray): (C,) per-class AP in [0, 1], NaN for classes without
            positives.
        split (dict): normalised class split (``load_class_split``).

    Returns:
        dict: group → ``{"mAP": float ×100 (NaN if the group has no
        non-empty class), "size": |g|, "num_empty": empty classes in g}``.
    """
    ap = np.asarray(ap, dtype=np.float64)
    result = {}
    for group in GROUPS:
        group_ap = ap[np.asarray(split[group], dtype=np.int64)]
        present = group_ap[~np.isnan(group_ap)]
        result[group] = dict(
            mAP=float(present.mean() * 100) if present.size else float('nan'),
            size=int(group_ap.size),
            num_empty=int(group_ap.size - present.size))
    return result
