"""COCO instances JSON -> multi-label labels (pycocotools).

Category ids are mapped to contiguous indices in ascending-id order (COCO:
1 person -> 0 … 90 toothbrush -> 79). Two positive rules:

- ``'any'`` (default; Hill/SPLC, COMIC, PU-MLC): a class is positive if the
  image has any instance of it (any area, crowd included).
- ``'db'`` (DB loss / Stitch-Up test labels, benchmarks.md §4): annotations
  with ``ignore`` set, ``area <= 0``, box width < 1 or height < 1 are left
  out (counted and logged).

Images without annotations are skipped (counted and logged) unless
``keep_unannotated`` (then they keep an all-zero vector). Image order is the
order of ``images`` in the file (``coco.imgs.keys()``).
"""
import contextlib
import io
from typing import Dict, List, Tuple

import numpy as np
from mmengine.logging import MMLogger

from ..annotation import AnnotationError

RULES = ('any', 'db')


def load_coco(path: str):
    """``pycocotools.coco.COCO(path)`` with its prints silenced."""
    from pycocotools.coco import COCO
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(path)


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
    """
    if rule not in RULES:
        raise ValueError(f'rule must be one of {RULES}, got {rule!r}')
    coco = load_coco(path)
    cat_ids = sorted(coco.cats)
    col = {cid: i for i, cid in enumerate(cat_ids)}
    classes = tuple(coco.cats[cid]['name'] for cid in cat_ids)
    images = coco.dataset.get('images', [])
    row = {}
    for i, img in enumerate(images):
        if img['id'] in row:
            raise AnnotationError(f'{path}: image id {img["id"]} is listed '
                                  'twice in "images"')
        row[img['id']] = i
    labels = np.zeros((len(images), len(cat_ids)), dtype=np.int8)
    excluded = 0
    for ann in coco.dataset.get('annotations', []):
        cid = ann['category_id']
        if cid not in col:
            raise AnnotationError(
                f'{path}: annotation {ann.get("id")} has category_id {cid}, '
                f'which is not in "categories" ({len(cat_ids)} ids)')
        if ann['image_id'] not in row:
            raise AnnotationError(
                f'{path}: annotation {ann.get("id")} refers to image_id '
                f'{ann["image_id"]}, which is not in "images"')
        if rule == 'db':
            w, h = ann['bbox'][2:4]
            if ann.get('ignore', False) or ann['area'] <= 0 or w < 1 or h < 1:
                excluded += 1
                continue
        labels[row[ann['image_id']], col[cid]] = 1
    keep = labels.any(1) if not keep_unannotated else np.ones(len(images),
                                                              bool)
    names = [img['file_name'] for img, k in zip(images, keep) if k]
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
