"""The partial-label (PLL) dataset reading the standard annotation file."""
import os.path as osp
from typing import List, Optional, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mlc.evaluation.functional.shot_groups import load_class_split
from mlc.registry import DATASETS
from .annotation import (AnnotationError, check_image_files,
                         check_unique_images, load_annotation)


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
    cand = np.zeros((len(data_list), num_classes), dtype=np.uint8)
    gt = np.full(len(data_list), -1, dtype=np.int64)
    for i, entry in enumerate(data_list):
        ids = entry.get('candidates')
        if not isinstance(ids, (list, tuple)) or not ids:
            raise AnnotationError(
                f'{path}: data_list[{i}] needs a non-empty "candidates" list '
                f'of class ids, got {ids!r}')
        ids = np.asarray(ids)
        if ids.dtype.kind not in 'iu' or ids.min() < 0 or \
                ids.max() >= num_classes:
            raise AnnotationError(
                f'{path}: data_list[{i}] "candidates" holds {ids.tolist()}, '
                f'not class ids in [0, {num_classes})')
        cand[i, ids] = 1
        if 'gt_label' in entry:
            label = entry['gt_label']
            if not isinstance(label, int) or not 0 <= label < num_classes:
                raise AnnotationError(
                    f'{path}: data_list[{i}] "gt_label" must be a class id '
                    f'in [0, {num_classes}), got {label!r}')
            gt[i] = label
    return cand, gt


@DATASETS.register_module()
class PLLDataset(BaseDataset):
    """Partial-label dataset: one hidden true class inside a candidate set.

    Each sample carries:

    - ``candidates`` (C,) float32 in {0, 1}: the candidate set S (what PLL
      methods learn from; their per-sample state is initialised from it).
    - ``gt_label`` int: the true class, for evaluation and logging only
      (conventions §1). Pack it with ``PackInputs``; never read it in a loss.

    Entries whose true label is not in their candidate set are counted and
    logged, never fixed (``metainfo['num_label_outside_candidates']``).

    Metainfo: ``classes``, ``class_freq`` (candidate occurrences per class),
    ``class_freq_true`` (true-label counts; oracle information, only for
    logging and the Oracle-LA baseline), ``class_split`` (when given),
    ``source``, ``provenance``.

    Args:
        ann_file (str): Standard annotation JSON with ``task='pll'``.
        data_root (str): Root joined to ``ann_file`` and ``data_prefix``.
        data_prefix (str | dict): Image folder, or ``dict(img_path=...)``.
        class_split (str | dict, optional): ``{"many","medium","few"}``
            class lists or a JSON file holding them.
        require_gt_label (bool): Raise if an entry has no ``gt_label``.
        check_images (bool): Check at start that every image file exists.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 class_split: Optional[Union[str, dict]] = None,
                 require_gt_label: bool = True,
                 check_images: bool = False,
                 **kwargs) -> None:
        if isinstance(data_prefix, str):
            data_prefix = dict(img_path=data_prefix)
        self.class_split_cfg = class_split
        self.require_gt_label = require_gt_label
        self.check_images = check_images
        self._candidates: Optional[np.ndarray] = None
        self._gt_labels: Optional[np.ndarray] = None
        super().__init__(ann_file=ann_file, data_root=data_root,
                         data_prefix=data_prefix, **kwargs)

    def _join_prefix(self) -> None:
        if self.data_root and not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'{type(self).__name__}: data_root "{self.data_root}" does not'
                ' exist (set data_root in the dataset config or with '
                '--cfg-options)')
        super()._join_prefix()

    def load_data_list(self) -> List[dict]:
        """Parse the annotation; labels go to dense arrays."""
        ann = load_annotation(self.ann_file)
        meta = ann['metainfo']
        if meta.get('task') != 'pll':
            raise AnnotationError(
                f'{self.ann_file}: task is "{meta.get("task")}", '
                f'{type(self).__name__} reads partial-label files '
                '(task "pll")')
        check_unique_images(ann['data_list'], self.ann_file)
        cand, gt = pll_labels(ann, self.ann_file)
        if self.require_gt_label and (gt < 0).any():
            i = int(np.flatnonzero(gt < 0)[0])
            raise AnnotationError(
                f'{self.ann_file}: data_list[{i}] has no "gt_label" (needed '
                'for evaluation; pass require_gt_label=False for unlabelled '
                'files)')
        self._loaded_labels = (cand, gt)
        self._metainfo.update(classes=tuple(meta['classes']),
                              source=meta.get('source', ''),
                              provenance=meta.get('provenance', []))
        prefix = self.data_prefix.get('img_path', '')
        data_list = []
        for row, entry in enumerate(ann['data_list']):
            info = {'label_row': row}
            if 'img_path' in entry:
                info['img_path'] = osp.join(prefix, entry['img_path'])
            elif 'img_index' in entry:
                info['img_index'] = int(entry['img_index'])
            else:
                raise AnnotationError(
                    f'{self.ann_file}: data_list[{row}] has neither '
                    '"img_path" nor "img_index"')
            data_list.append(info)
        if self.check_images:
            check_image_files(data_list, self.ann_file)
        return data_list

    def full_init(self) -> None:
        """Load, subset (``indices``), serialise; keep dense label arrays."""
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        rows = np.array([d.pop('label_row') for d in self.data_list],
                        dtype=np.int64)
        cand, gt = self._loaded_labels
        del self._loaded_labels
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
        if self.class_split_cfg is not None:
            self._metainfo['class_split'] = load_class_split(
                self.class_split_cfg, num_classes)
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
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True

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
