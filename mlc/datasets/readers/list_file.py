"""The generic image-list format ``IMAGE,<class indices>`` (Hill/SPLC COCO
lists, NUS-WIDE lists; docs/datasets.md).

One line per image: the image path, a comma, then class indices separated by
any whitespace (``x.jpg,8 41``, ``x.jpg, 8 41`` and ``x.jpg,`` are all
valid). Blank lines are skipped (and counted). The file is read as UTF-8 (a
BOM is dropped). A malformed line, bytes that are not UTF-8, an index out of
range or an image listed twice raises :class:`ListFileError` naming the file
and line number.
"""
from typing import List, Optional, Tuple

import numpy as np
from mmengine.logging import MMLogger

from ..annotation import AnnotationError, read_lines


class ListFileError(AnnotationError):
    """A list file is malformed; the message names file and line."""


def read_list_file(path: str, num_classes: int
                   ) -> Tuple[List[str], List[List[int]]]:
    """Parse a list file.

    Args:
        path (str): The list file.
        num_classes (int): C; indices must lie in [0, C).

    Returns:
        tuple: image names (N,) and per-image sorted class-id lists.
    """
    names: List[str] = []
    labels: List[List[int]] = []
    seen = {}
    blank = 0
    for lineno, line in enumerate(read_lines(path, ListFileError), 1):
        text = line.strip()
        if not text:
            blank += 1
            continue
        name, sep, rest = text.partition(',')
        name = name.strip()
        if not sep or not name:
            raise ListFileError(
                f'{path}, line {lineno}: expected "IMAGE,<class ids>", '
                f'got {text[:80]!r}')
        try:
            ids = [int(tok) for tok in rest.split()]
        except ValueError:
            raise ListFileError(
                f'{path}, line {lineno}: class ids must be integers '
                f'separated by spaces, got {rest.strip()[:80]!r}') from None
        bad = [i for i in ids if not 0 <= i < num_classes]
        if bad:
            raise ListFileError(
                f'{path}, line {lineno}: class index {bad[0]} out of '
                f'range [0, {num_classes}) for image "{name}"')
        if name in seen:
            raise ListFileError(
                f'{path}, line {lineno}: image "{name}" is listed twice '
                f'(first on line {seen[name]})')
        seen[name] = lineno
        if len(set(ids)) != len(ids):
            raise ListFileError(
                f'{path}, line {lineno}: a class id is repeated for '
                f'image "{name}"')
        names.append(name)
        labels.append(sorted(ids))
    if blank:
        MMLogger.get_current_instance().info(
            f'{path}: skipped {blank} blank line(s)')
    if not names:
        raise ListFileError(f'{path}: no image listed')
    return names, labels


def list_to_dense(labels: List[List[int]], num_classes: int,
                  fill: int = -1) -> np.ndarray:
    """(N, C) int8 matrix: listed ids 1, others ``fill``."""
    out = np.full((len(labels), num_classes), fill, dtype=np.int8)
    rows = np.repeat(np.arange(len(labels)), [len(ids) for ids in labels])
    cols = np.fromiter((i for ids in labels for i in ids), dtype=np.int64,
                       count=rows.size)
    out[rows, cols] = 1
    return out


def align_clean(names: List[str], clean_names: List[str],
                clean_labels: List[List[int]], path: str,
                partial: Optional[List[List[int]]] = None
                ) -> List[List[int]]:
    """Clean label lists of ``names`` from a full list (by image name).

    Raises if an image has no clean entry or a listed positive is not a clean
    positive.
    """
    index = dict(zip(clean_names, clean_labels))
    out = []
    for i, name in enumerate(names):
        if name not in index:
            raise ListFileError(f'{path}: image "{name}" of the partial list '
                                'is not in the full (clean) list')
        clean = index[name]
        if partial is not None and not set(partial[i]) <= set(clean):
            raise ListFileError(
                f'{path}: image "{name}" lists positives '
                f'{sorted(set(partial[i]) - set(clean))} absent from the '
                'full (clean) list')
        out.append(clean)
    return out
