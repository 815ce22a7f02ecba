"""Readers of the split files published with the reference methods.

- DB loss / Stitch-Up (``appendix/`` folders, docs/datasets.md):
  ``img_id.txt`` / ``img_id.pkl`` (plain newline text despite the extension,
  or a real pickle of a list), ``class_freq.pkl`` (``gt_labels``,
  ``class_freq``, ``neg_class_freq``, ``condition_prob``; the -Noise files
  ``class_freq_{r}noise.pkl`` hold ``labels`` and ``clean_labels``),
  ``class_split.pkl`` / ``training_split.pkl`` (``head``/``middle``/``tail``
  sets).
- COMIC (``dataset/`` and Drive files, docs/datasets.md): ``img_id.txt``,
  ``class.txt`` (a Python dict literal ``{name: count}`` on one line),
  ``distribution.txt`` (only the last line counts: C comma-separated ints),
  ``class_split.pkl``, ``co-occurrence.npy`` (C x C), ``LT_*.json``
  (``{file name: [C ints in {0, 1}]}``).

Pickles go through
:func:`mlc.datasets.readers.restricted_pickle.safe_load_pickle`; ``.npy``
files are loaded with ``allow_pickle=False``.
"""
import ast
import json
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np

from mlc.evaluation.functional.shot_groups import load_class_split
from ..annotation import AnnotationError
from .restricted_pickle import safe_load_pickle


def read_id_list(path: str) -> List[str]:
    """Image ids, one per line (``img_id.txt``; also ``img_id.pkl`` that is
    plain text, or a pickled list/array of ids)."""
    with open(path, 'rb') as f:
        head = f.read(2)
    if head[:1] == b'\x80':
        ids = [str(i) for i in safe_load_pickle(path)]
    else:
        with open(path, encoding='utf-8') as f:
            ids = [line.strip() for line in f if line.strip()]
    seen = set()
    for lineno, img_id in enumerate(ids, 1):
        if img_id in seen:
            raise AnnotationError(f'{path}, line {lineno}: image id '
                                  f'"{img_id}" is listed twice')
        seen.add(img_id)
    if not ids:
        raise AnnotationError(f'{path}: no image id')
    return ids


def read_class_split_pkl(path: str, num_classes: Optional[int] = None
                         ) -> Dict[str, List[int]]:
    """A ``{head, middle, tail}`` pickle as ``{many, medium, few}`` lists."""
    split = safe_load_pickle(path)
    if not isinstance(split, dict):
        raise AnnotationError(f'{path}: expected a dict of class sets, got '
                              f'{type(split).__name__}')
    try:
        return load_class_split(split, num_classes)
    except (KeyError, ValueError, TypeError) as err:
        raise AnnotationError(f'{path}: {err}') from None


def _matrix(rows, path: str, key: str) -> np.ndarray:
    try:
        mat = np.asarray([np.asarray(r).reshape(-1) for r in rows])
    except ValueError:
        raise AnnotationError(f'{path}: "{key}" rows differ in length'
                              ) from None
    if mat.ndim != 2 or not np.isin(mat, (0, 1)).all():
        raise AnnotationError(f'{path}: "{key}" must be N vectors of C '
                              'values in {0, 1}')
    return mat.astype(np.int8)


def read_db_class_freq(path: str) -> dict:
    """``class_freq.pkl`` (or a -Noise ``class_freq_{r}noise.pkl``).

    Returns:
        dict: ``labels`` (N, C) int8 (``gt_labels``, or the noisy ``labels``),
        ``clean`` (N, C) int8 or None (``clean_labels``), and the stored
        ``class_freq``, ``neg_class_freq``, ``condition_prob`` when present.
    """
    data = safe_load_pickle(path)
    if not isinstance(data, dict):
        raise AnnotationError(f'{path}: expected a dict, got '
                              f'{type(data).__name__}')
    key = 'labels' if 'labels' in data else 'gt_labels'
    if key not in data:
        raise AnnotationError(f'{path}: no "gt_labels" or "labels" key '
                              f'(keys: {sorted(data)})')
    out = dict(labels=_matrix(data[key], path, key), label_key=key,
               clean=None)
    if 'clean_labels' in data:
        out['clean'] = _matrix(data['clean_labels'], path, 'clean_labels')
        if out['clean'].shape != out['labels'].shape:
            raise AnnotationError(f'{path}: "clean_labels" and "{key}" '
                                  'differ in shape')
    for extra in ('class_freq', 'neg_class_freq', 'condition_prob'):
        if extra in data:
            out[extra] = np.asarray(data[extra])
    return out


def _first(folder: str, names: Sequence[str]) -> Optional[str]:
    for name in names:
        if osp.isfile(osp.join(folder, name)):
            return osp.join(folder, name)
    return None


def read_db_folder(folder: str, class_freq_file: Optional[str] = None
                   ) -> dict:
    """A DB-loss / Stitch-Up folder.

    Returns:
        dict: ``img_ids``, ``labels``, ``clean``, stored frequencies,
        ``class_split`` / ``training_split`` (or None) and the file paths.
    """
    id_path = _first(folder, ('img_id.txt', 'img_id.pkl'))
    freq_path = (osp.join(folder, class_freq_file) if class_freq_file
                 else _first(folder, ('class_freq.pkl', )))
    if id_path is None or freq_path is None or not osp.isfile(freq_path):
        raise FileNotFoundError(
            f'{folder}: a DB-loss folder needs img_id.txt (or img_id.pkl) and '
            f'{class_freq_file or "class_freq.pkl"}')
    out = read_db_class_freq(freq_path)
    ids = read_id_list(id_path)
    if len(ids) != len(out['labels']):
        raise AnnotationError(
            f'{id_path} lists {len(ids)} images but {freq_path} holds '
            f'{len(out["labels"])} label vectors')
    num_classes = out['labels'].shape[1]
    out.update(img_ids=ids, id_file=id_path, class_freq_file=freq_path)
    for key in ('class_split', 'training_split'):
        path = _first(folder, (f'{key}.pkl', ))
        out[key] = None if path is None else read_class_split_pkl(
            path, num_classes)
    return out


def read_class_dict(path: str) -> Dict[str, int]:
    """COMIC ``class.txt``: one Python dict literal ``{name: count}``."""
    with open(path, encoding='utf-8') as f:
        text = f.read().strip()
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError) as err:
        raise AnnotationError(f'{path}: not a Python dict literal ({err})'
                              ) from None
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, int)
            for k, v in value.items()):
        raise AnnotationError(f'{path}: expected {{class name: count}}')
    return value


def read_distribution(path: str) -> np.ndarray:
    """COMIC ``distribution.txt``: the last non-empty line, C ints."""
    with open(path, encoding='utf-8') as f:
        lines = [(n, line.strip()) for n, line in enumerate(f, 1)
                 if line.strip()]
    if not lines:
        raise AnnotationError(f'{path}: empty file')
    lineno, last = lines[-1]
    try:
        return np.array([int(v) for v in last.replace(',', ' ').split()],
                        dtype=np.int64)
    except ValueError:
        raise AnnotationError(f'{path}, line {lineno}: expected comma-'
                              f'separated integers, got {last[:80]!r}'
                              ) from None


def read_comic_json(path: str, num_classes: Optional[int] = None
                    ) -> tuple:
    """COMIC ``LT_*.json``: ``{file name: [C ints in {0, 1}]}``.

    Returns:
        tuple: file names (N,) in file order, labels (N, C) int8.
    """
    def unique_keys(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise AnnotationError(f'{path}: image "{dup}" is listed twice')
        return dict(pairs)

    with open(path, encoding='utf-8') as f:
        try:
            data = json.load(f, object_pairs_hook=unique_keys)
        except json.JSONDecodeError as err:
            raise AnnotationError(f'{path}: line {err.lineno}: invalid JSON '
                                  f'({err.msg})') from None
    if not isinstance(data, dict) or not data:
        raise AnnotationError(f'{path}: expected a non-empty dict '
                              '{file name: label vector}')
    names = list(data)
    mat = _matrix([data[n] for n in names], path, 'label vectors')
    if num_classes is not None and mat.shape[1] != num_classes:
        raise AnnotationError(f'{path}: label vectors have {mat.shape[1]} '
                              f'entries, expected {num_classes}')
    return names, mat


def read_cooccurrence(path: str) -> np.ndarray:
    """C x C co-occurrence ``.npy`` (no pickles)."""
    arr = np.load(path, allow_pickle=False)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise AnnotationError(f'{path}: expected a C x C array, got shape '
                              f'{arr.shape}')
    return arr


def read_comic_folder(folder: str) -> dict:
    """Whatever COMIC files ``folder`` holds (each key None if absent):
    ``img_ids``, ``class_counts`` (dict), ``distribution``, ``class_split``,
    ``cooccurrence``."""
    out = dict(folder=folder)
    path = _first(folder, ('img_id.txt', ))
    out['img_ids'] = read_id_list(path) if path else None
    path = _first(folder, ('class.txt', ))
    out['class_counts'] = read_class_dict(path) if path else None
    path = _first(folder, ('distribution.txt', ))
    out['distribution'] = read_distribution(path) if path else None
    path = _first(folder, ('co-occurrence.npy', 'cooccurrence.npy'))
    out['cooccurrence'] = read_cooccurrence(path) if path else None
    path = _first(folder, ('class_split.pkl', ))
    out['class_split'] = read_class_split_pkl(path) if path else None
    if all(out[k] is None for k in ('img_ids', 'class_counts',
                                    'distribution', 'cooccurrence',
                                    'class_split')):
        raise FileNotFoundError(f'{folder}: no COMIC file (img_id.txt, '
                                'class.txt, distribution.txt, '
                                'co-occurrence.npy, class_split.pkl)')
    return out
