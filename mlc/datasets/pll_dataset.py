"""The partial-label (PLL) dataset reading the standard annotation file."""
from typing import List, Optional, Tuple

import numpy as np
from mmengine.logging import MMLogger

from mlc.registry import DATASETS
from .annotation import (
    AnnotationError,
    check_unique_images,
    class_id_lists,
    image_keys,
    load_annotation,
)
from .dense_label_dataset import DenseLabelDataset


def pll_labels(ann: dict, path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Dense candidate sets and true labels of a PLL annotation.

    Args:
        ann (dict): A loaded standard annotation with ``task='pll'``.
        path (str): File name for error messages.

    Returns:
        tuple: ``candidates`` (N, C) uint8 in {0, 1} and ``gt_label`` (N,)
        int64 (-1 where an entry has no ``gt_label``).
    """
    num_classes = len(ann['metainfo']['classes'])
    data_list = ann['data_list']
    rows, cols = class_id_lists(data_list, 'candidates', num_classes, path)
    sizes = np.bincount(rows, minlength=len(data_list))
    if not sizes.all():
        i = int(np.flatnonzero(sizes == 0)[0])
        raise AnnotationError(
            f'{path}: data_list[{i}] needs a non-empty "candidates" list of '
            f'class ids, got {data_list[i].get("candidates")!r}')
    cand = np.zeros((len(data_list), num_classes), dtype=np.uint8)
    cand[rows, cols] = 1
    gt = np.full(len(data_list), -1, dtype=np.int64)
    for i, entry in enumerate(data_list):
        if 'gt_label' in entry:
            label = entry['gt_label']
            if type(label) is not int or not 0 <= label < num_classes:
                raise AnnotationError(
                    f'{path}: data_list[{i}]: "gt_label" must be a class id '
                    f'in [0, {num_classes}), got {label!r}')
            gt[i] = label
    return cand, gt


@DATASETS.register_module()
class PLLDataset(DenseLabelDataset):
    """Partial-label dataset: one hidden true class inside a candidate set.

    Each sample carries:

    - ``candidates`` (C,) float32 in {0, 1}: the candidate set S (what PLL
      methods learn from; their per-sample state is initialised from it).
    - ``gt_label`` int: the true class, for evaluation and logging only
      (docs/conventions.md, section 1). Pack it with ``PackInputs``; never
      read it
      in a loss.

    Entries whose true label is not in their candidate set are counted and
    logged, never fixed (``metainfo['num_label_outside_candidates']``).

    Metainfo: ``classes``, ``class_freq`` (candidate occurrences per class),
    ``class_freq_true`` (true-label counts; oracle information, only for
    logging and the Oracle-LA baseline), ``class_split`` (when given),
    ``source``, ``provenance``.

    Args:
        ann_file (str): Standard annotation JSON with ``task='pll'``.
        require_gt_label (bool): Raise if an entry has no ``gt_label``.
        **kwargs: Other :class:`DenseLabelDataset` arguments
            (``data_root``, ``data_prefix``, ``class_split``,
            ``check_images``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 require_gt_label: bool = True,
                 **kwargs) -> None:
        self.require_gt_label = require_gt_label
        self._candidates: Optional[np.ndarray] = None
        self._gt_labels: Optional[np.ndarray] = None
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse the annotation; labels go to dense arrays."""
        ann = load_annotation(self.ann_file)
        meta = ann['metainfo']
        if meta.get('task') != 'pll':
            raise AnnotationError(
                f'{self.ann_file}: task is "{meta.get("task")}", '
                f'{type(self).__name__} reads partial-label files '
                '(task "pll")')
        names, indices = image_keys(ann['data_list'], self.ann_file)
        check_unique_images(ann['data_list'], self.ann_file)
        cand, gt = pll_labels(ann, self.ann_file)
        if self.require_gt_label and (gt < 0).any():
            i = int(np.flatnonzero(gt < 0)[0])
            raise AnnotationError(
                f'{self.ann_file}: data_list[{i}] has no "gt_label" (needed '
                'for evaluation; pass require_gt_label=False for unlabelled '
                'files)')
        return self.samples_from(meta, names, indices, (cand, gt))

    def init_labels(self, rows: np.ndarray,
                    labels: Tuple[np.ndarray, np.ndarray]) -> None:
        """Keep the candidate sets and true labels of the kept rows.

        Args:
            rows (np.ndarray): (K,) label rows of the dataset's samples.
            labels (tuple): ``candidates`` (N, C) uint8 and ``gt_label``
                (N,) int64 (-1: none), as parsed by :func:`pll_labels`.
        """
        cand, gt = labels
        self._candidates, self._gt_labels = cand[rows], gt[rows]
        num_classes = cand.shape[1]
        labelled = self._gt_labels >= 0
        outside = int((self._candidates[np.flatnonzero(labelled),
                                        self._gt_labels[labelled]] == 0).sum())
        self._metainfo.update(
            class_freq=self._candidates.sum(0).astype(np.int64).tolist(),
            class_freq_true=np.bincount(self._gt_labels[labelled],
                                        minlength=num_classes).tolist(),
            num_label_outside_candidates=outside)
        logger = MMLogger.get_current_instance()
        logger.info(
            f'{type(self).__name__}: {len(rows)} images, {num_classes} classes'
            f' from {self.ann_file}; mean candidate-set size '
            f'{self._candidates.sum(1).mean() if len(rows) else 0:.3f}')
        if outside:
            logger.warning(
                f'{self.ann_file}: the true label is outside the candidate '
                f'set for {outside} of {int(labelled.sum())} images (kept '
                'as in the file)')

    @property
    def candidates(self) -> np.ndarray:
        """(N, C) uint8 candidate sets of the loaded samples."""
        self.full_init()
        return self._candidates

    @property
    def gt_labels(self) -> np.ndarray:
        """(N,) true labels (evaluation and logging only)."""
        self.full_init()
        return self._gt_labels

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with ``candidates`` and ``gt_label``."""
        info = super().get_data_info(idx)
        info['candidates'] = self._candidates[idx].astype(np.float32)
        if self._gt_labels[idx] >= 0:
            info['gt_label'] = int(self._gt_labels[idx])
        return info

    def get_cat_ids(self, idx: int) -> List[int]:
        """Candidate class ids of sample ``idx`` (never the true label)."""
        return np.flatnonzero(self.candidates[idx]).tolist()
