"""PASCAL VOC 2007/2012 -> multi-label labels.

Reads ``<root>/ImageSets/Main/<split>.txt`` and ``Annotations/<id>.xml``;
classes in alphabetical order (:data:`VOC_CLASSES`). ``difficult`` objects
(benchmarks.md) are handled per benchmark:

- ``'negative'`` (PU-MLC, COMIC's class flags): difficult objects are skipped,
  so a class present only as difficult is negative;
- ``'positive'`` (DB loss / Stitch-Up VOC-MLT test): every object counts;
- ``'unknown'`` (the VOC evaluation convention): a class present only as
  difficult is -1.

Class-flag files ``<class>_<split>.txt`` (1 present, 0 difficult only, -1
absent) are read by :func:`voc_flag_labels` (COMIC: positive iff flag 1).
"""
import os.path as osp
import xml.etree.ElementTree as ET
from typing import List, Tuple

import numpy as np
from mmengine.utils import ProgressBar

from ..annotation import AnnotationError, first_duplicate, read_lines
from .classes import VOC_CLASSES

DIFFICULT_MODES = ('negative', 'positive', 'unknown')
#: Label of a class present only as difficult objects, per mode.
DIFFICULT_STATE = dict(negative=0, positive=1, unknown=-1)


def read_image_set(root: str, split: str) -> List[str]:
    """Image ids of ``ImageSets/Main/<split>.txt``."""
    path = osp.join(root, 'ImageSets', 'Main', f'{split}.txt')
    if not osp.isfile(path):
        raise FileNotFoundError(f'VOC image set not found: {path}')
    numbered = [(n, line.split()[0])
                 for n, line in enumerate(read_lines(path), 1) if line.strip()]
    ids = [img_id for _, img_id in numbered]
    dup = first_duplicate(ids)
    if dup:
        raise AnnotationError(
            f'{path}, line {numbered[dup[1]][0]}: image id "{ids[dup[1]]}" is '
            f'listed twice (first on line {numbered[dup[0]][0]})')
    return ids


def voc_xml_labels(root: str, split: str, difficult: str = 'negative',
                   progress: bool = False, unlisted: int = 0
                   ) -> Tuple[List[str], np.ndarray, dict]:
    """Labels from the XML files.

    Args:
        root (str): ``VOC2007``/``VOC2012`` folder.
        split (str): Image set name (``ImageSets/Main/<split>.txt``).
        difficult (str): Rule of classes present only as difficult objects
            (see module doc).
        progress (bool): Show a progress bar.
        unlisted (int): State (0 or -1) of classes without any object.

    Returns:
        tuple: image paths ``JPEGImages/<id>.jpg`` (N,), labels (N, 20) int8
        in {1, 0, -1} and counts ``{difficult_objects,
        difficult_only_entries}``.
    """
    if difficult not in DIFFICULT_MODES:
        raise ValueError(f'difficult must be one of {DIFFICULT_MODES}, got '
                         f'{difficult!r}')
    ids = read_image_set(root, split)
    col = {name: i for i, name in enumerate(VOC_CLASSES)}
    easy = np.zeros((len(ids), len(VOC_CLASSES)), dtype=bool)
    hard = np.zeros_like(easy)
    bar = ProgressBar(len(ids)) if progress else None
    for i, img_id in enumerate(ids):
        path = osp.join(root, 'Annotations', f'{img_id}.xml')
        if not osp.isfile(path):
            raise FileNotFoundError(f'VOC annotation not found: {path}')
        for obj in ET.parse(path).getroot().iter('object'):
            name = obj.findtext('name', '').strip()
            if name not in col:
                raise AnnotationError(f'{path}: unknown VOC class "{name}"')
            flag = obj.findtext('difficult')
            (hard if flag is not None and int(flag) else easy)[i,
                                                               col[name]] = 1
        if bar:
            bar.update()
    only_hard = hard & ~easy
    labels = np.full(easy.shape, unlisted, dtype=np.int8)
    labels[only_hard] = DIFFICULT_STATE[difficult]
    labels[easy] = 1
    names = [f'JPEGImages/{i}.jpg' for i in ids]
    return names, labels, dict(difficult_objects_images=int(hard.any(1).sum()),
                               difficult_only_entries=int(only_hard.sum()))


def voc_flag_labels(root: str, split: str, unlisted: int = 0
                    ) -> Tuple[List[str], np.ndarray]:
    """Labels from ``ImageSets/Main/<class>_<split>.txt``: flag 1 -> 1,
    0 (difficult only) and -1 -> 0 (COMIC's rule); an image missing from a
    class's flag file gets ``unlisted`` (0 or -1) for that class."""
    ids = read_image_set(root, split)
    row = {img_id: i for i, img_id in enumerate(ids)}
    labels = np.full((len(ids), len(VOC_CLASSES)), unlisted, dtype=np.int8)
    for c, name in enumerate(VOC_CLASSES):
        path = osp.join(root, 'ImageSets', 'Main', f'{name}_{split}.txt')
        if not osp.isfile(path):
            raise FileNotFoundError(f'VOC class-flag file not found: {path}')
        for lineno, line in enumerate(read_lines(path), 1):
            parts = line.split()
            if not parts:
                continue
            if (len(parts) != 2 or parts[0] not in row
                    or parts[1] not in ('1', '0', '-1')):
                raise AnnotationError(
                    f'{path}, line {lineno}: expected "<image id> <flag>" '
                    f'with an id of {split}.txt and a flag 1, 0 or -1, got '
                    f'{line.strip()!r}')
            labels[row[parts[0]], c] = parts[1] == '1'
    return [f'JPEGImages/{i}.jpg' for i in ids], labels
