"""Reading and validating the standard annotation file (conventions §3).

The file is one JSON object ``{"metainfo": {...}, "data_list": [...]}``.
Multi-label entries hold ``img_path`` (or ``img_index``), ``pos`` and ``neg``
(class ids) and optionally ``clean_pos``. :func:`dense_labels` expands them
into dense label matrices in the {1, 0, -1} convention.
"""
import json
import os.path as osp
from typing import Dict, List, Optional, Tuple

import numpy as np

LABEL_STATES = (1, 0, -1)


class AnnotationError(ValueError):
    """An annotation file is malformed; the message names file and entry."""


def load_annotation(path: str) -> Dict:
    """Load a standard annotation file.

    Args:
        path (str): Path of the JSON file.

    Returns:
        dict: ``{"metainfo": dict, "data_list": list}``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Annotation file not found: {path}')
    with open(path, encoding='utf-8') as f:
        try:
            ann = json.load(f)
        except json.JSONDecodeError as err:
            raise AnnotationError(f'{path}: line {err.lineno}, column '
                                  f'{err.colno}: invalid JSON ({err.msg})'
                                  ) from None
    if not isinstance(ann, dict) or 'data_list' not in ann:
        raise AnnotationError(
            f'{path}: expected a JSON object with keys "metainfo" and '
            '"data_list" (standard annotation format, conventions §3)')
    metainfo = ann.setdefault('metainfo', {})
    if 'classes' not in metainfo:
        raise AnnotationError(f'{path}: metainfo has no "classes" list')
    unlisted = metainfo.get('unlisted', -1)
    if unlisted not in (-1, 0):
        raise AnnotationError(
            f'{path}: metainfo "unlisted" must be -1 or 0, got {unlisted!r}')
    return ann


def _id_lists(data_list: List[dict], key: str, num_classes: int,
              path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Flatten ``entry[key]`` id lists into (rows, cols) index arrays."""
    lengths = np.empty(len(data_list), dtype=np.int64)
    flat: List[int] = []
    for i, entry in enumerate(data_list):
        ids = entry.get(key, ())
        if not isinstance(ids, (list, tuple)):
            raise AnnotationError(
                f'{path}: data_list[{i}] ("{_name(entry)}"): "{key}" must be '
                f'a list of class ids, got {type(ids).__name__}')
        lengths[i] = len(ids)
        flat.extend(ids)
    cols = np.asarray(flat)
    if cols.size and (cols.dtype.kind not in 'iu' or cols.min() < 0
                      or cols.max() >= num_classes):
        bad = np.flatnonzero(
            (cols < 0) | (cols >= num_classes)
            if cols.dtype.kind in 'iuf' else np.ones(cols.size, bool))[0]
        row = int(np.searchsorted(np.cumsum(lengths), bad, side='right'))
        raise AnnotationError(
            f'{path}: data_list[{row}] ("{_name(data_list[row])}"): "{key}" '
            f'holds {flat[bad]!r}, not a class id in [0, {num_classes})')
    rows = np.repeat(np.arange(len(data_list)), lengths)
    return rows, cols.astype(np.int64)


def _name(entry: dict) -> str:
    return str(entry.get('img_path', entry.get('img_index', '?')))


def dense_labels(ann: Dict, path: str = '<annotation>'
                 ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """Expand sparse labels into dense matrices.

    Args:
        ann (dict): A loaded standard annotation (multi-label task).
        path (str): The file name used in error messages.

    Returns:
        tuple: ``observed`` (N, C) int8 in {1, 0, -1} and ``clean`` (N, C)
        int8 in {0, 1}, or None when the file has no ``clean_pos``.
    """
    classes = ann['metainfo']['classes']
    data_list = ann['data_list']
    num, num_classes = len(data_list), len(classes)
    observed = np.full((num, num_classes), ann['metainfo'].get('unlisted', -1),
                       dtype=np.int8)
    neg_rows, neg_cols = _id_lists(data_list, 'neg', num_classes, path)
    observed[neg_rows, neg_cols] = 0
    is_neg = np.zeros(observed.shape, dtype=bool)
    is_neg[neg_rows, neg_cols] = True
    rows, cols = _id_lists(data_list, 'pos', num_classes, path)
    conflict = is_neg[rows, cols]
    if conflict.any():
        i = int(rows[np.flatnonzero(conflict)[0]])
        raise AnnotationError(
            f'{path}: data_list[{i}] ("{_name(data_list[i])}"): a class is '
            'listed in both "pos" and "neg"')
    observed[rows, cols] = 1

    has_clean = ['clean_pos' in e for e in data_list]
    if not any(has_clean):
        return observed, None
    if not all(has_clean):
        i = has_clean.index(False)
        raise AnnotationError(
            f'{path}: data_list[{i}] ("{_name(data_list[i])}") has no '
            '"clean_pos" although other entries have it')
    clean = np.zeros((num, num_classes), dtype=np.int8)
    rows, cols = _id_lists(data_list, 'clean_pos', num_classes, path)
    clean[rows, cols] = 1
    return observed, clean


def check_unique_images(data_list: List[dict], path: str) -> None:
    """Raise if an image is listed twice."""
    seen: Dict[str, int] = {}
    for i, entry in enumerate(data_list):
        name = _name(entry)
        if name in seen:
            raise AnnotationError(
                f'{path}: image "{name}" is listed twice (data_list[{seen[name]}]'
                f' and data_list[{i}])')
        seen[name] = i


def check_image_files(data_list: List[dict], ann_file: str) -> None:
    """Raise one error listing the ``img_path`` files that do not exist."""
    missing = [d['img_path'] for d in data_list
               if 'img_path' in d and not osp.isfile(d['img_path'])]
    if missing:
        raise FileNotFoundError(
            f'{ann_file}: {len(missing)} listed image file(s) do not exist, '
            f'e.g. {missing[:3]}')
