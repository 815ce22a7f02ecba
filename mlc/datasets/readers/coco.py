"""COCO instances JSON -> multi-label labels.

Category ids are mapped to contiguous indices in ascending-id order (COCO:
1 person -> 0 … 90 toothbrush -> 79). Two positive rules:

- ``'any'`` (default; Hill/SPLC, COMIC, PU-MLC): a class is positive if the
  image has any instance of it (any area, crowd included).
- ``'db'`` (DB loss / Stitch-Up test labels, docs/datasets.md): annotations
  with ``ignore`` set, ``area <= 0``, box width < 1 or height < 1 are left
  out (counted and logged).

Images without annotations are skipped (counted and logged) unless
``keep_unannotated`` (then they keep an all-zero vector). Image order is the
order of ``images`` in the file (what ``pycocotools``' ``coco.imgs.keys()``
gives).

The file is read as plain JSON and checked on the way (one pass over the
annotations): ``images`` and ``categories`` must be non-empty lists of
objects, category ids and names unique, and every entry must have the keys
it is read by (``images``: ``id``, ``file_name``; ``categories``: ``id``,
``name``; ``annotations``: ``image_id``, ``category_id``, and ``bbox`` and
``area`` under ``rule='db'``). An error names the file, the entry
(``annotations[12]``) and the key.
"""
from typing import Dict, List, Tuple

import numpy as np
from mmengine.logging import MMLogger

from ..annotation import AnnotationError, first_duplicate, read_json, type_name

RULES = ('any', 'db')


def _entries(data: dict, section: str, path: str, required: bool) -> list:
    """``data[section]``: a list of objects (non-empty when required)."""
    if section not in data:
        if not required:
            return []
        raise AnnotationError(f'{path}: no "{section}" list (not a COCO '
                              'instances file?)')
    entries = data[section]
    if not isinstance(entries, list):
        raise AnnotationError(f'{path}: "{section}" must be a list, got '
                              f'{type_name(entries)}')
    if required and not entries:
        raise AnnotationError(f'{path}: "{section}" is empty')
    if entries and set(map(type, entries)) != {dict}:
        i = next(i for i, e in enumerate(entries) if type(e) is not dict)
        raise AnnotationError(f'{path}: {section}[{i}] must be an object, got '
                              f'{type_name(entries[i])}')
    return entries


def _missing(path: str, section: str, i: int, entry: dict,
             keys: Tuple[str, ...]) -> AnnotationError:
    """The error for the first of ``keys`` that ``entry`` lacks."""
    key = next(k for k in keys if k not in entry)
    where = f'{section}[{i}]'
    if 'id' in entry:
        where += f' (id {entry["id"]})'
    return AnnotationError(f'{path}: {where} has no "{key}"')


def _fields(path: str, section: str, i: int, entry: dict,
            keys: Tuple[str, ...]) -> tuple:
    """The values of ``keys`` in ``entry`` (``section[i]`` of ``path``);
    an :class:`AnnotationError` names the first missing key."""
    try:
        return tuple(entry[k] for k in keys)
    except KeyError:
        raise _missing(path, section, i, entry, keys) from None


def load_instances(path: str) -> dict:
    """The checked top level of an instances file (see module doc)."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise AnnotationError(
            f'{path}: expected a JSON object with "images", "annotations" '
            f'and "categories" (a COCO instances file), got '
            f'{type_name(data)}')
    _entries(data, 'images', path, required=True)
    _entries(data, 'categories', path, required=True)
    _entries(data, 'annotations', path, required=False)
    return data


def _categories(data: dict, path: str) -> Tuple[List[int], Tuple[str, ...]]:
    """Category ids in ascending order and their names."""
    cats = data['categories']
    ids, names = [], []
    for i, cat in enumerate(cats):
        cid, name = _fields(path, 'categories', i, cat, ('id', 'name'))
        if type(cid) is not int:
            raise AnnotationError(f'{path}: categories[{i}] has id {cid!r}, '
                                  'not an integer')
        if type(name) is not str:
            raise AnnotationError(f'{path}: categories[{i}] (id {cid}) has '
                                  f'name {name!r}, not a string')
        ids.append(cid)
        names.append(name)
    dup = first_duplicate(ids)
    if dup:
        raise AnnotationError(
            f'{path}: categories[{dup[1]}] repeats category id {ids[dup[1]]} '
            f'(categories[{dup[0]}]); merge or renumber the categories')
    dup = first_duplicate(names)
    if dup:
        raise AnnotationError(
            f'{path}: categories[{dup[1]}] (id {ids[dup[1]]}) repeats the '
            f'name "{names[dup[1]]}" (categories[{dup[0]}], id '
            f'{ids[dup[0]]})')
    order = np.argsort(ids, kind='stable')
    return [ids[k] for k in order], tuple(names[k] for k in order)


def _image_rows(images: list, path: str) -> Tuple[Dict, List[str]]:
    """``{image id: row}`` and the file names, in file order."""
    row: Dict = {}
    names: List[str] = []
    for i, img in enumerate(images):
        img_id, name = _fields(path, 'images', i, img, ('id', 'file_name'))
        if type(name) is not str or not name:
            raise AnnotationError(f'{path}: images[{i}] (id {img_id}) has '
                                  f'file_name {name!r}, not a file name')
        if img_id in row:
            raise AnnotationError(f'{path}: image id {img_id} is listed '
                                  'twice in "images"')
        row[img_id] = i
        names.append(name)
    return row, names


def _kept_by_db_rule(ann: dict) -> bool:
    """Whether the ``'db'`` rule keeps an annotation (KeyError/TypeError/
    ValueError on a missing or malformed ``bbox``/``area``)."""
    w, h = ann['bbox'][2:4]
    return not (ann.get('ignore', False) or ann['area'] <= 0 or w < 1
                or h < 1)


def coco_labels(path: str, rule: str = 'any', keep_unannotated: bool = False
                ) -> Tuple[List[str], Tuple[str, ...], np.ndarray, Dict]:
    """Read an instances file.

    Args:
        path (str): ``instances_{train,val}{2014,2017}.json``.
        rule (str): ``'any'`` or ``'db'`` (see module doc).
        keep_unannotated (bool): Keep images without (kept) annotations.

    Returns:
        tuple: file names (N,), class names (C,), labels (N, C) int8 in
        {0, 1}, and counts ``{num_images_file, skipped_unannotated,
        excluded_annotations, category_ids}``.

    Raises:
        AnnotationError: a malformed file (see module doc), or no image left
            (no image has a kept annotation and not ``keep_unannotated``).
    """
    if rule not in RULES:
        raise ValueError(f'rule must be one of {RULES}, got {rule!r}')
    data = load_instances(path)
    cat_ids, classes = _categories(data, path)
    col = {cid: i for i, cid in enumerate(cat_ids)}
    images = data['images']
    row, file_names = _image_rows(images, path)
    labels = np.zeros((len(images), len(cat_ids)), dtype=np.int8)
    excluded = 0
    needed = ('image_id', 'category_id') + (('bbox', 'area') if rule == 'db'
                                            else ())
    for i, ann in enumerate(data.get('annotations', [])):
        try:
            cid, img_id = ann['category_id'], ann['image_id']
            if rule == 'db' and not _kept_by_db_rule(ann):
                excluded += 1
                continue
        except KeyError:
            raise _missing(path, 'annotations', i, ann, needed) from None
        except (TypeError, ValueError):
            raise AnnotationError(
                f'{path}: annotations[{i}] (id {ann.get("id")}) has a '
                f'malformed "bbox" {ann["bbox"]!r} or "area" '
                f'{ann["area"]!r}') from None
        if cid not in col or type(cid) is not int:
            raise AnnotationError(
                f'{path}: annotation {ann.get("id")} has category_id '
                f'{cid!r}, which is not in "categories" ({len(cat_ids)} ids)')
        if img_id not in row:
            raise AnnotationError(
                f'{path}: annotation {ann.get("id")} refers to image_id '
                f'{img_id!r}, which is not in "images"')
        labels[row[img_id], col[cid]] = 1
    keep = labels.any(1) if not keep_unannotated else np.ones(len(images),
                                                              bool)
    if not keep.any():
        raise AnnotationError(
            f'{path}: no image has an annotation (rule "{rule}"); pass '
            'keep_unannotated (--keep-unannotated) to keep all-zero images')
    names = [name for name, k in zip(file_names, keep) if k]
    info = dict(num_images_file=len(images),
                skipped_unannotated=int((~keep).sum()),
                excluded_annotations=excluded, category_ids=cat_ids)
    logger = MMLogger.get_current_instance()
    if info['skipped_unannotated']:
        logger.info(f'{path}: skipped {info["skipped_unannotated"]} images '
                    'without annotations (keep_unannotated=False)')
    if excluded:
        logger.info(f'{path}: left out {excluded} annotations (rule "db": '
                    'ignore, area <= 0, w < 1 or h < 1)')
    return names, classes, labels[keep], info
