"""The base multi-label dataset reading the standard annotation file."""
import os.path as osp
from typing import List, Optional, Tuple, Union

import numpy as np
from mmengine.logging import MMLogger

from mlc.registry import DATASETS
from .annotation import (
    AnnotationError,
    check_unique_images,
    dense_labels,
    image_keys,
    load_annotation,
)
from .annotation_cache import ParsedAnnotation, cached_parse
from .dense_label_dataset import DenseLabelDataset
from .label_store import LabelStore
from .sparse_labels import SparseLabelStore


@DATASETS.register_module()
class MLCDataset(DenseLabelDataset):
    """Multi-label dataset with observed labels in {1, 0, -1}.

    Labels are kept out of ``data_list`` in a :class:`LabelStore` (compact
    and updatable by hooks); :meth:`get_data_info` adds them to each sample:

    - ``gt_score`` (C,) float32 in {1, 0, -1}: observed labels, for losses.
    - ``gt_label`` (k,) int64: observed positive class ids.
    - ``gt_clean`` (C,) float32 in {0, 1}: clean labels, only when the file
      has them; for metrics and logging, never for a loss.

    Dataset metainfo: ``classes``, ``class_freq`` (observed positives per
    class of the loaded samples), ``class_split`` (dict, when given) and the
    file's ``source``/``provenance``.

    Args:
        ann_file (str): Standard annotation JSON (docs/conventions.md,
            section 3).
        data_root (str): Root joined to ``ann_file`` and ``data_prefix``.
        data_prefix (str | dict): Image folder, ``dict(img_path=...)``.
        class_split (str | dict, optional): ``{"many", "medium", "few"}``
            class lists or a JSON file holding them (DB-style ``head``/
            ``middle``/``tail`` keys are accepted).
        unlisted (int, optional): State (-1 unknown or 0 negative) of the
            classes an image lists neither as positive nor as negative;
            None keeps the file's ``unlisted``. Subclasses reading other
            formats apply it the same way (their default: the format's own).
        check_images (bool): Check at start that every image file exists.
        cache (bool | str): Cache the parsed labels in a ``.npz`` keyed by
            the file's size and mtime (:mod:`.annotation_cache`): ``True``,
            ``False`` or ``'auto'`` (files of at least ``cache_min_bytes``).
        cache_dir (str, optional): Cache folder (default: ``.mlc_cache``
            beside the annotation file).
        cache_min_bytes (int): Size threshold of ``cache='auto'``.
        sparse_labels (bool): Hold the labels in a :class:`SparseLabelStore`
            (CSR; same samples and values) instead of a dense
            :class:`LabelStore`.
        **kwargs: Other :class:`DenseLabelDataset` arguments.
    """

    def __init__(self,
                 ann_file: str,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 class_split: Optional[Union[str, dict]] = None,
                 unlisted: Optional[int] = None,
                 check_images: bool = False,
                 cache: Union[bool, str] = 'auto',
                 cache_dir: Optional[str] = None,
                 cache_min_bytes: int = 1 << 20,
                 sparse_labels: bool = False,
                 **kwargs) -> None:
        if cache not in (True, False, 'auto'):
            raise ValueError(f"cache must be True, False or 'auto', got "
                             f'{cache!r}')
        self.cache = cache
        self.cache_dir = cache_dir
        self.cache_min_bytes = cache_min_bytes
        if unlisted is not None and (type(unlisted) is not int
                                     or unlisted not in (-1, 0)):
            raise ValueError(f'unlisted must be None, -1 or 0, got '
                             f'{unlisted!r}')
        self.unlisted = unlisted
        self.sparse_labels = sparse_labels
        self._label_store: Optional[Union[LabelStore,
                                          SparseLabelStore]] = None
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            class_split=class_split,
            check_images=check_images,
            **kwargs)

    @property
    def label_store(self) -> Union[LabelStore, SparseLabelStore]:
        """The (updatable) per-sample label store."""
        self.full_init()
        return self._label_store

    def parse_annotation(self) -> ParsedAnnotation:
        """Parse ``self.ann_file`` (a standard annotation) into dense labels.

        Subclasses reading other formats override this (and
        :meth:`cache_params`); :meth:`load_data_list` adds caching.
        """
        ann = load_annotation(self.ann_file)
        meta = ann['metainfo']
        if meta.get('task', 'multilabel') != 'multilabel':
            raise AnnotationError(
                f'{self.ann_file}: task is "{meta.get("task")}", '
                f'{type(self).__name__} reads multi-label files')
        if self.unlisted is not None:
            meta['unlisted'] = self.unlisted
        names, indices = image_keys(ann['data_list'], self.ann_file)
        check_unique_images(ann['data_list'], self.ann_file)
        observed, clean = dense_labels(ann, self.ann_file)
        metainfo = dict(classes=list(meta['classes']),
                        source=meta.get('source', ''),
                        provenance=meta.get('provenance', []))
        return ParsedAnnotation(metainfo, names, indices, observed, clean)

    def cache_params(self) -> dict:
        """Parser parameters that change the parse (part of the cache key)."""
        return dict(unlisted=self.unlisted)

    def _use_cache(self) -> bool:
        if self.cache == 'auto':
            return osp.getsize(self.ann_file) >= self.cache_min_bytes
        return bool(self.cache)

    def load_data_list(self) -> List[dict]:
        """Parse the annotation file (through the cache when enabled);
        labels go to ``self._loaded_labels``."""
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(
                f'Annotation file not found: {self.ann_file}')
        if self._use_cache():
            parsed = cached_parse(self.ann_file, self.parse_annotation,
                                  type(self).__name__, self.cache_params(),
                                  self.cache_dir)
        else:
            parsed = self.parse_annotation()
        return self.samples_from(parsed.metainfo, parsed.names,
                                 parsed.indices,
                                 (parsed.observed, parsed.clean))

    def init_labels(self, rows: np.ndarray,
                    labels: Tuple[np.ndarray, Optional[np.ndarray]]) -> None:
        """Build the label store and ``class_freq`` of the kept rows.

        Args:
            rows (np.ndarray): (K,) label rows of the dataset's samples.
            labels (tuple): ``observed`` (N, C) in {1, 0, -1} and ``clean``
                (N, C) in {0, 1} or None, as parsed.
        """
        observed, clean = labels
        store_type = (SparseLabelStore.from_dense if self.sparse_labels
                      else LabelStore)
        self._label_store = store_type(
            observed[rows], None if clean is None else clean[rows])
        self._metainfo['class_freq'] = (observed[rows] == 1).sum(0).tolist()
        MMLogger.get_current_instance().info(
            f'{type(self).__name__}: {len(rows)} images, '
            f'{observed.shape[1]} classes from {self.ann_file}; '
            f'{int((observed[rows] == 1).sum())} positive, '
            f'{int((observed[rows] == 0).sum())} negative, '
            f'{int((observed[rows] == -1).sum())} unknown labels')

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with its current labels from the label store."""
        info = super().get_data_info(idx)
        store = self._label_store
        info['gt_score'] = store.get(idx)
        info['gt_label'] = np.flatnonzero(info['gt_score'] == 1)
        if store.has_clean:
            info['gt_clean'] = store.get_clean(idx)
        return info

    def get_cat_ids(self, idx: int) -> List[int]:
        """Observed positive class ids of sample ``idx``."""
        return np.flatnonzero(self.label_store.get(idx) == 1).tolist()

