"""COCO multi-label dataset read directly from an instances JSON."""
import numpy as np

from mlc.registry import DATASETS
from .annotation_cache import ParsedAnnotation
from .mlc_dataset import MLCDataset
from .readers.coco import coco_labels


@DATASETS.register_module()
class COCOMultiLabel(MLCDataset):
    """COCO 2014/2017 as multi-label classification (full labels, unlisted 0).

    Reads ``instances_*.json`` with pycocotools (:func:`coco_labels`):
    category ids map to contiguous indices in ascending-id order; a class is
    positive if the image has an instance of it (``rule='any'``) or a valid
    one (``rule='db'``). The parse is cached (``cache='auto'`` caches files
    of 1 MiB or more), so later starts skip the JSON.

    Args:
        ann_file (str): COCO instances JSON.
        rule (str): ``'any'`` or ``'db'``.
        keep_unannotated (bool): Keep images without annotations (all-zero
            label vectors).
        **kwargs: :class:`MLCDataset` arguments (``data_prefix`` = image
            folder, e.g. ``train2017``).
    """

    def __init__(self, ann_file: str, rule: str = 'any',
                 keep_unannotated: bool = False, **kwargs) -> None:
        self.rule = rule
        self.keep_unannotated = keep_unannotated
        super().__init__(ann_file=ann_file, **kwargs)

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
            observed=labels)
