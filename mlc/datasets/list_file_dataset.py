"""Dataset over the generic list format ``IMAGE,<class indices>``."""
from typing import Optional, Sequence, Union

import numpy as np

from mlc.registry import DATASETS
from .annotation_cache import ParsedAnnotation
from .mlc_dataset import MLCDataset
from .readers.classes import resolve_classes
from .readers.list_file import align_clean, list_to_dense, read_list_file


@DATASETS.register_module()
class ListFileDataset(MLCDataset):
    """Hill/SPLC COCO lists, NUS-WIDE lists and any ``IMAGE,<ids>`` file.

    Listed ids are positives; the others take ``unlisted`` (-1 for the
    missing-label lists, 0 for full lists such as test sets). With
    ``clean_file`` (the ``full`` list) each image also gets ``gt_clean``.

    Args:
        ann_file (str): The list file.
        classes (str | Sequence[str]): ``'coco'``, ``'voc'``, ``'nus_wide'``,
            a class-name file, or the names.
        unlisted (int): State of unlisted classes (-1 or 0).
        clean_file (str, optional): Full list giving ``gt_clean``.
        **kwargs: :class:`MLCDataset` arguments (``data_prefix`` = image
            folder, e.g. ``train2014``).
    """

    def __init__(self, ann_file: str,
                 classes: Union[str, Sequence[str]] = 'coco',
                 unlisted: int = -1, clean_file: Optional[str] = None,
                 **kwargs) -> None:
        if unlisted is None:
            raise ValueError('ListFileDataset: unlisted must be -1 or 0 (a '
                             'list file names only positives), got None')
        self.class_names = resolve_classes(classes)
        self.clean_file = clean_file
        super().__init__(ann_file=ann_file, unlisted=unlisted, **kwargs)

    def cache_params(self) -> dict:
        return dict(classes=list(self.class_names), unlisted=self.unlisted,
                    clean_file=self.clean_file)

    def parse_annotation(self) -> ParsedAnnotation:
        num = len(self.class_names)
        names, labels = read_list_file(self.ann_file, num)
        clean = None
        if self.clean_file:
            clean_names, clean_labels = read_list_file(self.clean_file, num)
            clean = list_to_dense(
                align_clean(names, clean_names, clean_labels,
                            self.ann_file, labels), num, fill=0)
        return ParsedAnnotation(
            metainfo=dict(classes=list(self.class_names),
                          source=f'list file {self.ann_file}',
                          provenance=[]),
            names=names, indices=np.full(len(names), -1, np.int64),
            observed=list_to_dense(labels, num, fill=self.unlisted),
            clean=clean)
