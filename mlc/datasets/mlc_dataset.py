"""The base multi-label dataset reading the standard annotation file."""
import os.path as osp
from typing import List, Optional, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mlc.evaluation.functional.shot_groups import load_class_split
from mlc.registry import DATASETS
from .annotation import (AnnotationError, check_image_files,
                         check_unique_images, dense_labels, load_annotation)
from .annotation_cache import ParsedAnnotation, cached_parse
from .label_store import LabelStore


@DATASETS.register_module()
class MLCDataset(BaseDataset):
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
        ann_file (str): Standard annotation JSON (conventions §3).
        data_root (str): Root joined to ``ann_file`` and ``data_prefix``.
        data_prefix (str | dict): Image folder, ``dict(img_path=...)``.
        class_split (str | dict, optional): ``{"many", "medium", "few"}``
            class lists or a JSON file holding them (DB-style ``head``/
            ``middle``/``tail`` keys are accepted).
        unlisted (int, optional): Override the file's state (-1 or 0) of
            classes not named in ``pos``/``neg``.
        check_images (bool): Check at start that every image file exists.
        cache (bool | str): Cache the parsed labels in a ``.npz`` keyed by
            the file's size and mtime (:mod:`.annotation_cache`): ``True``,
            ``False`` or ``'auto'`` (files of at least ``cache_min_bytes``).
        cache_dir (str, optional): Cache folder (default: ``.mlc_cache``
            beside the annotation file).
        cache_min_bytes (int): Size threshold of ``cache='auto'``.
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments.
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
                 **kwargs) -> None:
        if cache not in (True, False, 'auto'):
            raise ValueError(f"cache must be True, False or 'auto', got "
                             f'{cache!r}')
        self.cache = cache
        self.cache_dir = cache_dir
        self.cache_min_bytes = cache_min_bytes
        if isinstance(data_prefix, str):
            data_prefix = dict(img_path=data_prefix)
        if unlisted not in (None, -1, 0):
            raise ValueError(f'unlisted must be None, -1 or 0, got {unlisted}')
        self.class_split_cfg = class_split
        self.unlisted = unlisted
        self.check_images = check_images
        self._label_store: Optional[LabelStore] = None
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=data_prefix,
            **kwargs)

    def _join_prefix(self) -> None:
        if self.data_root and not osp.isdir(self.data_root):
            raise FileNotFoundError(
                f'{type(self).__name__}: data_root "{self.data_root}" does not'
                ' exist (set data_root in the dataset config or with '
                '--cfg-options)')
        super()._join_prefix()

    @property
    def label_store(self) -> LabelStore:
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
        check_unique_images(ann['data_list'], self.ann_file)
        observed, clean = dense_labels(ann, self.ann_file)
        names, indices = [], np.full(len(ann['data_list']), -1, np.int64)
        for row, entry in enumerate(ann['data_list']):
            if 'img_path' in entry:
                names.append(str(entry['img_path']))
            elif 'img_index' in entry:
                names.append('')
                indices[row] = int(entry['img_index'])
                if indices[row] < 0:
                    raise AnnotationError(
                        f'{self.ann_file}: data_list[{row}] has a negative '
                        f'"img_index" ({indices[row]})')
            else:
                raise AnnotationError(
                    f'{self.ann_file}: data_list[{row}] has neither '
                    '"img_path" nor "img_index"')
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
        self._loaded_labels = (parsed.observed, parsed.clean)
        meta = parsed.metainfo
        self._metainfo.update(
            classes=tuple(meta['classes']),
            source=meta.get('source', ''),
            provenance=meta.get('provenance', []))
        prefix = self.data_prefix.get('img_path', '')
        data_list = []
        for row, (name, index) in enumerate(zip(parsed.names,
                                                parsed.indices.tolist())):
            if index >= 0:
                data_list.append({'label_row': row, 'img_index': index})
            else:
                data_list.append({'label_row': row,
                                  'img_path': osp.join(prefix, name)})
        if self.check_images:
            check_image_files(data_list, self.ann_file)
        return data_list

    def full_init(self) -> None:
        """Load, subset (``indices``) and serialise; build the label store."""
        if self._fully_initialized:
            return
        self.data_list = self.load_data_list()
        self.data_list = self.filter_data()
        if self._indices is not None:
            self.data_list = self._get_unserialized_subset(self._indices)
        rows = np.array([d.pop('label_row') for d in self.data_list],
                        dtype=np.int64)
        observed, clean = self._loaded_labels
        del self._loaded_labels
        self._label_store = LabelStore(
            observed[rows], None if clean is None else clean[rows])
        self._metainfo['class_freq'] = (observed[rows] == 1).sum(0).tolist()
        if self.class_split_cfg is not None:
            self._metainfo['class_split'] = load_class_split(
                self.class_split_cfg, len(self._metainfo['classes']))
        MMLogger.get_current_instance().info(
            f'{type(self).__name__}: {len(rows)} images, '
            f'{observed.shape[1]} classes from {self.ann_file}; '
            f'{int((observed[rows] == 1).sum())} positive, '
            f'{int((observed[rows] == 0).sum())} negative, '
            f'{int((observed[rows] == -1).sum())} unknown labels')
        if self.serialize_data:
            self.data_bytes, self.data_address = self._serialize_data()
        self._fully_initialized = True

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

