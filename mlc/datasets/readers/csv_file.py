"""The wide CSV label table ``image,<class 1>,<class 2>,...``.

The header row names the image column (any name) and then the classes; each
further row is one image: its path, then one cell per class holding ``1``
(positive), ``0`` (observed negative), ``-1`` (unknown) or nothing (the
class is unlisted: it takes the dataset's ``unlisted`` state). So one format
holds observed positives only (``img.png,1,,``), observed negatives
(``img.png,1,0,``) and full labels (``img.png,1,0,0``). The file is read as
UTF-8 (a BOM is dropped); blank lines are skipped. A short or long row, an
unknown cell value, a repeated class name or image raises
:class:`CSVLabelError` naming the file and line.
"""
import csv
from typing import List, Tuple

import numpy as np

from ..annotation import AnnotationError, first_duplicate, read_text

#: Cell text -> label state; ``''`` is the unlisted placeholder (2).
CELL_STATES = {'1': 1, '0': 0, '-1': -1, '': 2}
UNLISTED_MARK = 2


class CSVLabelError(AnnotationError):
    """A CSV label table is malformed; the message names file and line."""


def read_csv_labels(path: str, unlisted: int = -1
                    ) -> Tuple[List[str], Tuple[str, ...], np.ndarray]:
    """Parse a CSV label table (see module doc).

    Args:
        path (str): The CSV file.
        unlisted (int): State of empty cells (-1 unknown or 0 negative).

    Returns:
        tuple: image names (N,), class names (C,) and labels (N, C) int8
        in {1, 0, -1}.
    """
    if unlisted not in (-1, 0):
        raise ValueError(f'unlisted must be -1 or 0, got {unlisted!r}')
    rows = [(n, row) for n, row in enumerate(
        csv.reader(read_text(path, CSVLabelError).splitlines()), 1)
        if any(cell.strip() for cell in row)]
    if not rows:
        raise CSVLabelError(f'{path}: empty file (expected a header row '
                            '"image,<class names>")')
    _, header = rows[0]
    classes = tuple(cell.strip() for cell in header[1:])
    if not classes or not all(classes):
        raise CSVLabelError(f'{path}, line {rows[0][0]}: the header must '
                            'be "image,<class 1>,<class 2>,..." with '
                            'non-empty class names')
    dup = first_duplicate(classes)
    if dup:
        raise CSVLabelError(f'{path}, line {rows[0][0]}: class '
                            f'"{classes[dup[1]]}" is named twice in the '
                            'header')
    if len(rows) == 1:
        raise CSVLabelError(f'{path}: no image listed')
    names: List[str] = []
    labels = np.empty((len(rows) - 1, len(classes)), dtype=np.int8)
    seen = {}
    for i, (lineno, row) in enumerate(rows[1:]):
        name = row[0].strip()
        if len(row) != len(classes) + 1 or not name:
            raise CSVLabelError(
                f'{path}, line {lineno}: expected an image name and '
                f'{len(classes)} label cells, got {len(row)} cells')
        if name in seen:
            raise CSVLabelError(f'{path}, line {lineno}: image "{name}" is '
                                f'listed twice (first on line {seen[name]})')
        seen[name] = lineno
        for c, cell in enumerate(row[1:]):
            state = CELL_STATES.get(cell.strip())
            if state is None:
                raise CSVLabelError(
                    f'{path}, line {lineno}: class "{classes[c]}" of image '
                    f'"{name}" is {cell.strip()!r}; expected 1, 0, -1 or '
                    'an empty cell')
            labels[i, c] = state
        names.append(name)
    labels[labels == UNLISTED_MARK] = unlisted
    return names, classes, labels
