"""Reading and validating the standard annotation file
(docs/conventions.md section 3).

The file is one JSON object ``{"metainfo": {...}, "data_list": [...]}``.
Multi-label entries hold ``img_path`` (or ``img_index``), ``pos`` and ``neg``
(class ids) and optionally ``clean_pos``. :func:`dense_labels` expands them
into dense label matrices in the {1, 0, -1} convention.

Validation is strict and vectorised (a 118k-entry file costs a few set and
numpy passes): ``classes`` is a non-empty list of unique strings, every entry
is an object, and class ids are plain integers (not bool, float, string or
nested lists) in ``[0, C)``. An error is one line naming the file, the entry
(``data_list[5]``), the key and the offending value.
"""
import json
import os.path as osp
from itertools import chain
from typing import Dict, List, Optional, Sequence, Tuple, Type

import numpy as np

LABEL_STATES = (1, 0, -1)
_NO_IDS = ()
_INT64 = np.iinfo(np.int64)


class AnnotationError(ValueError):
    """An annotation file is malformed; the message names file and entry."""


def decode_text(data: bytes, path: str,
                error: Type[ValueError] = AnnotationError) -> str:
    """Decode UTF-8 ``data`` read from ``path``, dropping a UTF-8 BOM.

    Raises:
        error: naming file and line of the first byte that is not UTF-8.
    """
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as err:
        line = data.count(b'\n', 0, err.start) + 1
        raise error(f'{path}, line {line}: not UTF-8 text (byte '
                    f'0x{data[err.start]:02x}); save the file as UTF-8'
                    ) from None


def read_text(path: str, error: Type[ValueError] = AnnotationError) -> str:
    """The text of a UTF-8 file (BOM dropped; see :func:`decode_text`)."""
    with open(path, 'rb') as f:
        return decode_text(f.read(), path, error)


def read_lines(path: str,
               error: Type[ValueError] = AnnotationError) -> List[str]:
    """Lines of a UTF-8 text file without their line ends (line ``i + 1``
    of the file is element ``i``; see :func:`decode_text`)."""
    lines = read_text(path, error).split('\n')
    if lines[-1] == '':
        lines.pop()
    return [line.rstrip('\r') for line in lines]


def read_json(path: str) -> object:
    """The parsed JSON of a UTF-8 file (BOM dropped).

    Raises:
        AnnotationError: naming file, line and column of invalid JSON.
    """
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as err:
        raise AnnotationError(f'{path}: line {err.lineno}, column '
                              f'{err.colno}: invalid JSON ({err.msg})'
                              ) from None


def type_name(value) -> str:
    """JSON-flavoured type name of ``value`` for error messages."""
    return 'null' if value is None else type(value).__name__


def check_class_names(classes, path: str) -> None:
    """Raise unless metainfo ``classes`` is a non-empty list of unique
    strings."""
    if not isinstance(classes, (list, tuple)):
        raise AnnotationError(
            f'{path}: metainfo "classes" must be a list of class-name '
            f'strings, got {type_name(classes)}')
    if not classes:
        raise AnnotationError(f'{path}: metainfo "classes" is empty')
    if set(map(type, classes)) != {str}:
        i = next(i for i, c in enumerate(classes) if type(c) is not str)
        raise AnnotationError(f'{path}: metainfo classes[{i}] is '
                              f'{classes[i]!r}, not a class-name string')
    dup = first_duplicate(classes)
    if dup:
        i, j = dup
        raise AnnotationError(
            f'{path}: metainfo "classes" names "{classes[j]}" twice '
            f'(classes[{i}] and classes[{j}])')


def first_duplicate(items: Sequence) -> Optional[Tuple[int, int]]:
    """Indices ``(i, j)``, ``i < j``, of the first repeated item, or None."""
    if len(set(items)) == len(items):
        return None
    seen: Dict = {}
    for j, item in enumerate(items):
        if item in seen:
            return seen[item], j
        seen[item] = j
    return None


def load_annotation(path: str) -> Dict:
    """Load and check a standard annotation file.

    Checks the structure (object with ``metainfo`` and a non-empty
    ``data_list`` of objects), ``classes`` and ``unlisted``; class ids are
    checked where they are expanded (:func:`class_id_lists`).

    Args:
        path (str): Path of the JSON file (UTF-8; a BOM is accepted).

    Returns:
        dict: ``{"metainfo": dict, "data_list": list}``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'Annotation file not found: {path}')
    ann = read_json(path)
    if not isinstance(ann, dict) or 'data_list' not in ann:
        raise AnnotationError(
            f'{path}: expected a JSON object with keys "metainfo" and '
            '"data_list" (standard annotation format, '
            'docs/conventions.md section 3)')
    metainfo = ann.setdefault('metainfo', {})
    if not isinstance(metainfo, dict):
        raise AnnotationError(f'{path}: "metainfo" must be an object, got '
                              f'{type_name(metainfo)}')
    if 'classes' not in metainfo:
        raise AnnotationError(f'{path}: metainfo has no "classes" list')
    check_class_names(metainfo['classes'], path)
    unlisted = metainfo.get('unlisted', -1)
    if type(unlisted) is not int or unlisted not in (-1, 0):
        raise AnnotationError(
            f'{path}: metainfo "unlisted" must be -1 or 0, got {unlisted!r}')
    check_entries(ann['data_list'], path)
    return ann


def check_entries(data_list, path: str) -> None:
    """Raise unless ``data_list`` is a non-empty list of objects."""
    if not isinstance(data_list, list):
        raise AnnotationError(f'{path}: "data_list" must be a list of '
                              f'entries, got {type_name(data_list)}')
    if not data_list:
        raise AnnotationError(f'{path}: "data_list" is empty (no images)')
    if set(map(type, data_list)) != {dict}:
        i = next(i for i, e in enumerate(data_list) if type(e) is not dict)
        raise AnnotationError(
            f'{path}: data_list[{i}] must be an object with "img_path" or '
            f'"img_index", got {type_name(data_list[i])}')


def class_id_lists(data_list: List[dict], key: str, num_classes: int,
                   path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Flatten and check the ``entry[key]`` class-id lists.

    Args:
        data_list (list[dict]): (N,) entries; a missing key is an empty list.
        key (str): ``pos``, ``neg``, ``clean_pos``, ``candidates``, ...
        num_classes (int): C; ids must be ints (not bool) in [0, C).
        path (str): File name for error messages.

    Returns:
        tuple: ``rows`` and ``cols``, (M,) int64 each: entry ``rows[m]``
        lists class ``cols[m]``.
    """
    lists = [entry.get(key, _NO_IDS) for entry in data_list]
    if not set(map(type, lists)) <= {list, tuple}:
        i = next(i for i, ids in enumerate(lists)
                 if not isinstance(ids, (list, tuple)))
        raise AnnotationError(
            f'{path}: data_list[{i}] ("{_name(data_list[i])}"): "{key}" must '
            f'be a list of class ids, got {type_name(lists[i])}')
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = list(chain.from_iterable(lists))
    bad = None
    if flat and set(map(type, flat)) != {int}:
        bad = next(j for j, v in enumerate(flat) if type(v) is not int)
    else:
        try:
            cols = np.array(flat, dtype=np.int64)
        except OverflowError:
            bad = next(j for j, v in enumerate(flat)
                       if not _INT64.min <= v <= _INT64.max)
        else:
            out = (cols < 0) | (cols >= num_classes)
            if out.any():
                bad = int(out.argmax())
    if bad is not None:
        row = int(np.searchsorted(np.cumsum(lengths), bad, side='right'))
        value = flat[bad]
        kind = '' if type(value) is int else f' ({type_name(value)})'
        raise AnnotationError(
            f'{path}: data_list[{row}] ("{_name(data_list[row])}"): "{key}" '
            f'holds {value!r}{kind}, not a class id (an integer in '
            f'[0, {num_classes}))')
    return np.repeat(np.arange(len(data_list)), lengths), cols


def _name(entry: dict) -> str:
    return str(entry.get('img_path', entry.get('img_index', '?')))


def image_keys(data_list: List[dict], path: str
               ) -> Tuple[List[str], np.ndarray]:
    """Image names and indices of the entries.

    Returns:
        tuple: (N,) ``img_path`` strings ('' for ``img_index`` entries) and
        (N,) int64 ``img_index`` (-1 for ``img_path`` entries).

    Raises:
        AnnotationError: an entry has neither key, an ``img_path`` that is
            not a non-empty string or an ``img_index`` that is not an
            integer >= 0.
    """
    names: List[str] = []
    indices = np.full(len(data_list), -1, np.int64)
    for row, entry in enumerate(data_list):
        if 'img_path' in entry:
            name = entry['img_path']
            if type(name) is not str or not name:
                raise AnnotationError(
                    f'{path}: data_list[{row}]: "img_path" must be a '
                    f'non-empty string, got {name!r}')
            names.append(name)
        elif 'img_index' in entry:
            index = entry['img_index']
            if type(index) is not int or index < 0:
                raise AnnotationError(
                    f'{path}: data_list[{row}]: "img_index" must be an '
                    f'integer >= 0, got {index!r}')
            names.append('')
            indices[row] = index
        else:
            raise AnnotationError(
                f'{path}: data_list[{row}] has neither "img_path" nor '
                '"img_index"')
    return names, indices


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
    neg_rows, neg_cols = class_id_lists(data_list, 'neg', num_classes, path)
    observed[neg_rows, neg_cols] = 0
    is_neg = np.zeros(observed.shape, dtype=bool)
    is_neg[neg_rows, neg_cols] = True
    rows, cols = class_id_lists(data_list, 'pos', num_classes, path)
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
    rows, cols = class_id_lists(data_list, 'clean_pos', num_classes, path)
    clean[rows, cols] = 1
    return observed, clean


def check_unique_images(data_list: List[dict], path: str) -> None:
    """Raise if an image is listed twice."""
    seen: Dict[str, int] = {}
    for i, entry in enumerate(data_list):
        name = _name(entry)
        if name in seen:
            raise AnnotationError(
                f'{path}: image "{name}" is listed twice '
                f'(data_list[{seen[name]}] and data_list[{i}])')
        seen[name] = i


def check_image_files(data_list: List[dict], ann_file: str) -> None:
    """Raise one error listing the ``img_path`` files that do not exist."""
    missing = [d['img_path'] for d in data_list
               if 'img_path' in d and not osp.isfile(d['img_path'])]
    if missing:
        raise FileNotFoundError(
            f'{ann_file}: {len(missing)} listed image file(s) do not exist, '
            f'e.g. {missing[:3]}')
