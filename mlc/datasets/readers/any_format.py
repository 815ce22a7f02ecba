"""Observed labels of any annotation file the datasets read.

:func:`read_any_labels` tells the format from the file: a ``.csv`` is the
CSV label table (:mod:`.csv_file`); a ``.json`` holding ``data_list`` is the
standard annotation format, one holding ``images`` and ``categories`` a COCO
instances file (:mod:`.coco`); anything else is a list file
``IMAGE,<class indices>`` (:mod:`.list_file`). Used where a file is read
for its labels only (training class counts of the metrics, the class count
of an own-data config).
"""
import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

import numpy as np

from ..annotation import (
    AnnotationError,
    dense_labels,
    load_annotation,
    read_json,
)
from .classes import resolve_classes
from .coco import coco_labels
from .csv_file import read_csv_labels
from .list_file import list_to_dense, read_list_file

#: Formats :func:`annotation_format` tells apart.
FORMATS = ('standard', 'coco', 'csv', 'list')


def annotation_format(path: str) -> str:
    """``'standard'``, ``'coco'``, ``'csv'`` or ``'list'`` (see module doc).

    Raises:
        FileNotFoundError: no such file.
        AnnotationError: a JSON file of neither JSON format.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Annotation file not found: {path}')
    ext = osp.splitext(path)[1].lower()
    if ext == '.csv':
        return 'csv'
    if ext != '.json':
        return 'list'
    data = read_json(path)
    if isinstance(data, dict) and 'data_list' in data:
        return 'standard'
    if isinstance(data, dict) and 'images' in data and 'categories' in data:
        return 'coco'
    raise AnnotationError(
        f'{path}: neither a standard annotation file ("metainfo" and '
        '"data_list") nor a COCO instances file ("images", "annotations" '
        'and "categories")')


def read_any_labels(path: str,
                    classes: Optional[Union[str, Sequence[str]]] = None,
                    unlisted: int = -1
                    ) -> Tuple[List[str], Optional[Tuple[str, ...]],
                               np.ndarray]:
    """Image names, class names and observed labels of an annotation file.

    Args:
        path (str): A standard, COCO instances, CSV or list file.
        classes (str | Sequence[str], optional): Class names of a list file
            (preset, name file or names); without them a list file gives
            ``None`` names and ``max index + 1`` columns.
        unlisted (int): State of the classes a COCO, CSV or list file does
            not list (a standard file carries its own).

    Returns:
        tuple: names (N,), class names (C,) or None, labels (N, C) int8 in
        {1, 0, -1}.
    """
    fmt = annotation_format(path)
    if fmt == 'standard':
        ann = load_annotation(path)
        task = ann['metainfo'].get('task', 'multilabel')
        if task != 'multilabel':
            raise AnnotationError(f'{path}: expected a multilabel '
                                  f'annotation file, got task {task!r}')
        names = [str(e.get('img_path', e.get('img_index', '')))
                 for e in ann['data_list']]
        observed, _ = dense_labels(ann, path)
        return names, tuple(ann['metainfo']['classes']), observed
    if fmt == 'coco':
        names, names_c, labels, _ = coco_labels(path)
        return names, names_c, np.where(labels == 1, 1, unlisted).astype(
            np.int8)
    if fmt == 'csv':
        return read_csv_labels(path, unlisted)
    names_c = None if classes is None else tuple(resolve_classes(classes))
    limit = len(names_c) if names_c is not None else np.iinfo(np.int32).max
    names, ids = read_list_file(path, limit)
    num = (len(names_c) if names_c is not None else
           1 + max((i for row in ids for i in row), default=-1))
    return names, names_c, list_to_dense(ids, num, fill=unlisted)
