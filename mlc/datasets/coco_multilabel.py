"""COCO multi-label dataset read directly from an instances JSON."""
from typing import Optional

import numpy as np

from mlc.registry import DATASETS
from .annotation_cache import ParsedAnnotation
from .mlc_dataset import MLCDataset
from .readers.coco import coco_labels


@DATASETS.register_module()
class COCOMultiLabel(MLCDataset):
    """COCO 2014/2017 as multi-label classification.

    Reads ``instances_*.json`` (:func:`coco_labels`): category ids map to
    contiguous indices in ascending-id order; a class is positive if the
    image has an instance of it (``rule='any'``) or a valid one
    (``rule='db'``). An instances file lists no negatives, so every other
    class takes ``unlisted``: 0 (default; the file is exhaustive, as the
    official COCO files are) or -1 (the file holds only the observed
    positives of a partial-label set: the other classes are unknown). The
    parse is cached (``cache='auto'`` caches files of 1 MiB or more), so
    later starts skip the JSON.

    Args:
        ann_file (str): COCO instances JSON.
        rule (str): ``'any'`` or ``'db'``.
        keep_unannotated (bool): Keep images without annotations (label
            vectors all ``unlisted``).
        unlisted (int, optional): State of the classes an image has no
            (kept) annotation of: 0 or None (negative) or -1 (unknown).
        **kwargs: :class:`MLCDataset` arguments (``data_prefix`` = image
            folder, e.g. ``train2017``).
    """

    def __init__(self, ann_file: str, rule: str = 'any',
                 keep_unannotated: bool = False,
                 unlisted: Optional[int] = None, **kwargs) -> None:
        self.rule = rule
        self.keep_unannotated = keep_unannotated
        super().__init__(ann_file=ann_file, unlisted=unlisted, **kwargs)

    def cache_params(self) -> dict:
        return dict(rule=self.rule, keep_unannotated=self.keep_unannotated,
                    unlisted=self.unlisted)

    def parse_annotation(self) -> ParsedAnnotation:
        names, classes, labels, _ = coco_labels(
            self.ann_file, self.rule, self.keep_unannotated)
        return ParsedAnnotation(
            metainfo=dict(classes=list(classes),
                          source=f'COCO instances {self.ann_file} '
                          f'(rule {self.rule})',
                          provenance=[]),
            names=names, indices=np.full(len(names), -1, np.int64),
            observed=np.where(labels == 1, 1, self.unlisted or 0
                              ).astype(np.int8))
