"""PASCAL VOC multi-label dataset read from the VOCdevkit files."""
import os.path as osp
from typing import Optional

import numpy as np

from mlc.registry import DATASETS
from .annotation_cache import ParsedAnnotation
from .mlc_dataset import MLCDataset
from .readers.classes import VOC_CLASSES
from .readers.voc import voc_flag_labels, voc_xml_labels


@DATASETS.register_module()
class VOCMultiLabel(MLCDataset):
    """VOC 2007/2012 as multi-label classification.

    ``ann_file`` is the image set (``ImageSets/Main/<split>.txt``) relative
    to ``data_root`` (a ``VOC2007``/``VOC2012`` folder); labels come from
    ``Annotations/*.xml`` with the ``difficult`` rule of the benchmark
    (:func:`voc_xml_labels`), or from the class-flag files
    (``difficult='flags'``: flag 1 positive, else negative; COMIC).
    ``difficult`` decides the classes present only as difficult objects
    (``'unknown'`` makes them -1); the classes an image does not mention at
    all (no object; in flag mode: not in the class's flag file) take
    ``unlisted``: 0 (default; VOC annotations are exhaustive) or -1 (the
    files hold only observed positives).

    Args:
        ann_file (str): Image-set file, e.g. ``ImageSets/Main/test.txt``.
        difficult (str): ``'negative'`` (PU-MLC), ``'positive'`` (DB /
            Stitch-Up test), ``'unknown'`` or ``'flags'`` (COMIC).
        unlisted (int, optional): State of unmentioned classes: 0 or None
            (negative) or -1 (unknown).
        **kwargs: :class:`MLCDataset` arguments; ``data_prefix`` defaults to
            ``data_root`` (image paths are ``JPEGImages/<id>.jpg``).
    """

    def __init__(self, ann_file: str, difficult: str = 'negative',
                 unlisted: Optional[int] = None, **kwargs) -> None:
        self.difficult = difficult
        super().__init__(ann_file=ann_file, unlisted=unlisted, **kwargs)

    def cache_params(self) -> dict:
        return dict(difficult=self.difficult, unlisted=self.unlisted)

    def parse_annotation(self) -> ParsedAnnotation:
        sets = osp.dirname(self.ann_file)
        root = osp.dirname(osp.dirname(sets))
        split = osp.splitext(osp.basename(self.ann_file))[0]
        unlisted = self.unlisted or 0
        if self.difficult == 'flags':
            names, labels = voc_flag_labels(root, split, unlisted)
        else:
            names, labels, _ = voc_xml_labels(root, split, self.difficult,
                                              unlisted=unlisted)
        return ParsedAnnotation(
            metainfo=dict(classes=list(VOC_CLASSES),
                          source=f'VOC {root} {split} (difficult '
                          f'{self.difficult})', provenance=[]),
            names=names, indices=np.full(len(names), -1, np.int64),
            observed=labels)
