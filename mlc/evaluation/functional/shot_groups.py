"""Shot groups (many / medium / few) and group mAP (conventions.md §7).

A class split is a dict ``{"many": [...], "medium": [...], "few": [...]}`` of
class indices, or the path of a JSON file holding one. The Distribution-
Balanced-loss keys are accepted and mapped: ``head`` → ``many``, ``middle``
→ ``medium``, ``tail`` → ``few`` (``medium`` is also accepted as is). A split
can also be derived from the positives per class of the training set:
many ≥ ``many_thr`` (100), few < ``few_thr`` (20), medium otherwise.
"""
from typing import Dict, List, Mapping, Optional, Sequence, Union

import mmengine
import numpy as np

GROUPS = ('many', 'medium', 'few')
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


def class_freq_from_ann_file(ann_file: str) -> np.ndarray:
    """Positives per class of a standard annotation file (conventions §3).

    Args:
        ann_file (str): JSON path with ``metainfo.classes`` and a multi-label
            ``data_list`` whose entries list observed positives in ``pos``.

    Returns:
        np.ndarray: (C,) int64 counts of ``pos`` occurrences per class.
    """
    ann = mmengine.load(ann_file, file_format='json')
    num_classes = len(ann['metainfo']['classes'])
    task = ann['metainfo'].get('task', 'multilabel')
    if task != 'multilabel':
        raise ValueError(f'{ann_file}: expected a multilabel annotation file, '
                         f'got task {task!r}')
    pos = [c for entry in ann['data_list'] for c in entry['pos']]
    return np.bincount(np.asarray(pos, dtype=np.int64),
                       minlength=num_classes)


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
