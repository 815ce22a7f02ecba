"""Open Images image-level labels served from a sparse label store."""
import json
import os
import os.path as osp
from typing import Optional, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import MMLogger

from mlc.registry import DATASETS
from .annotation_cache import cached_folder
from .readers.open_images import (
    OpenImagesLabels,
    image_id_str,
    read_open_images,
)
from .readers.standard import converter_provenance
from .sparse_labels import SparseLabelStore

#: Parser version, part of the cache key.
PARSER = 'OpenImages-2'


def parse_open_images(label_csv: str, classes_csv: str, trainable: str,
                      machine_csv: Optional[str] = None,
                      machine_threshold: float = 0.5):
    """:func:`read_open_images` plus its metainfo (classes, provenance)."""
    labels = read_open_images(label_csv, classes_csv, trainable, machine_csv,
                              machine_threshold)
    inputs = [p for p in (label_csv, classes_csv, trainable, machine_csv)
              if p]
    params = dict(machine=machine_csv is not None,
                  machine_threshold=machine_threshold)
    meta = dict(classes=labels.classes, display_names=labels.display_names,
                class_freq=labels.store.positive_counts().tolist(),
                source='Open Images image-level labels (human-verified'
                + (', machine-generated' if machine_csv else '') + ')',
                provenance=[converter_provenance('read_open_images', params,
                                                 inputs)])
    return labels, meta


def save_open_images(parsed, folder: str) -> None:
    """Write parsed labels (:func:`parse_open_images`) into ``folder``."""
    labels, meta = parsed
    labels.store.save(osp.join(folder, 'labels'))
    np.save(osp.join(folder, 'image_ids.npy'), labels.image_ids)
    with open(osp.join(folder, 'metainfo.json'), 'w') as f:
        json.dump(meta, f)


def load_open_images(folder: str, mmap: bool = True):
    """Labels and metainfo from a folder :func:`save_open_images` wrote;
    arrays memory-mapped read-only when ``mmap``."""
    for name in ('metainfo.json', 'image_ids.npy', 'labels'):
        if not osp.exists(osp.join(folder, name)):
            raise FileNotFoundError(f'{folder}: no {name}; not an Open '
                                    'Images label cache (write it with '
                                    'tools/dataset_converters/'
                                    'convert_open_images.py)')
    with open(osp.join(folder, 'metainfo.json')) as f:
        meta = json.load(f)
    image_ids = np.load(osp.join(folder, 'image_ids.npy'),
                        mmap_mode='r' if mmap else None, allow_pickle=False)
    store = SparseLabelStore.load(osp.join(folder, 'labels'), mmap=mmap)
    labels = OpenImagesLabels(image_ids, store, meta['classes'],
                              meta['display_names'])
    return labels, meta


def cached_open_images(label_csv: str, classes_csv: str, trainable: str,
                       machine_csv: Optional[str] = None,
                       machine_threshold: float = 0.5,
                       cache_dir: Optional[str] = None):
    """Parse once, then memory-map the cache (keyed by the label CSV's path,
    size and mtime and by the other files' and options' values)."""
    others = {}
    for path in (classes_csv, trainable, machine_csv):
        if path is not None:
            if not osp.isfile(path):
                raise FileNotFoundError(f'Open Images file not found: '
                                        f'{path}')
            stat = os.stat(path)
            others[osp.abspath(path)] = [stat.st_size, stat.st_mtime_ns]
    if not osp.isfile(label_csv):
        raise FileNotFoundError(f'Open Images file not found: {label_csv}')
    params = dict(files=others, machine_threshold=machine_threshold)
    return cached_folder(
        label_csv,
        lambda: parse_open_images(label_csv, classes_csv, trainable,
                                  machine_csv, machine_threshold),
        save_open_images, load_open_images, PARSER, params, cache_dir)


@DATASETS.register_module()
class OpenImages(BaseDataset):
    """Open Images (V6) with partial labels from the image-level CSVs.

    Labels stay in a memory-mapped :class:`SparseLabelStore` (never a
    per-sample ``data_list``: 9 M dicts would not fit); each sample gets

    - ``img_path``: ``<data_prefix>/<ImageID><image_ext>``;
    - ``gt_score`` (C,) float32 in {1, 0, -1}; ``gt_label`` (k,) int64.

    The first start parses the CSVs into a cache folder (or run the
    converter once); later starts, dataloader workers and ranks map it.

    Args:
        ann_file (str): Human-verified image-level labels CSV.
        classes_file (str): Class descriptions CSV.
        trainable_file (str): Trainable classes list (the C columns).
        machine_file (str, optional): Machine-generated labels CSV (off by
            default); rows with Confidence >= ``machine_threshold`` become
            positives where no human label exists.
        machine_threshold (float): See ``machine_file``.
        data_root (str): Root joined to the files and ``data_prefix``.
        data_prefix (str | dict): Image folder, ``dict(img_path=...)``.
        image_ext (str): Image file extension.
        cache_dir (str, optional): Cache folder (default: ``.mlc_cache``
            beside ``ann_file``).
        **kwargs: Other :class:`mmengine.dataset.BaseDataset` arguments
            (``indices`` subsets the store in memory).
    """

    def __init__(self,
                 ann_file: str,
                 classes_file: str,
                 trainable_file: str,
                 machine_file: Optional[str] = None,
                 machine_threshold: float = 0.5,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 image_ext: str = '.jpg',
                 cache_dir: Optional[str] = None,
                 **kwargs) -> None:
        if not 0 <= machine_threshold <= 1:
            raise ValueError('machine_threshold must lie in [0, 1], got '
                             f'{machine_threshold!r}')
        if isinstance(data_prefix, str):
            data_prefix = dict(img_path=data_prefix)
        def join(path: Optional[str]) -> Optional[str]:
            if path is None or osp.isabs(path) or not data_root:
                return path
            return osp.join(data_root, path)

        self.classes_file = join(classes_file)
        self.trainable_file = join(trainable_file)
        self.machine_file = join(machine_file)
        self.machine_threshold = machine_threshold
        self.image_ext = image_ext
        self.cache_dir = cache_dir
        self._label_store: Optional[SparseLabelStore] = None
        self._image_ids: Optional[np.ndarray] = None
        self._mapped_image_ids: Optional[str] = None
        kwargs.setdefault('serialize_data', False)
        super().__init__(ann_file=ann_file, data_root=data_root,
                         data_prefix=data_prefix, **kwargs)

    @property
    def label_store(self) -> SparseLabelStore:
        """The read-only sparse label store."""
        self.full_init()
        return self._label_store

    def full_init(self) -> None:
        """Map the cached labels (parsing the CSVs on the first start)."""
        if self._fully_initialized:
            return
        labels, meta = cached_open_images(
            self.ann_file, self.classes_file, self.trainable_file,
            self.machine_file, self.machine_threshold, self.cache_dir)
        store, image_ids = labels.store, labels.image_ids
        self._mapped_image_ids = getattr(image_ids, 'filename', None)
        if self._indices is not None:
            self._mapped_image_ids = None
            rows = _subset_rows(store.num_samples, self._indices)
            store, image_ids = store.subset(rows), np.asarray(image_ids)[rows]
        self._label_store, self._image_ids = store, image_ids
        class_freq = (store.positive_counts().tolist()
                      if self._indices is not None else meta['class_freq'])
        self._metainfo.update(classes=tuple(meta['classes']),
                              class_freq=class_freq,
                              display_names=meta['display_names'],
                              source=meta['source'],
                              provenance=meta['provenance'])
        counts = store.state_counts()
        MMLogger.get_current_instance().info(
            f'OpenImages: {store.num_samples} images, {store.num_classes} '
            f'classes from {self.ann_file}; {counts["positive"]} positive, '
            f'{counts["negative"]} negative labels, the rest unknown')
        self._fully_initialized = True

    def __getstate__(self) -> dict:
        """Pickle mapped arrays as their files (spawned workers map them
        again instead of receiving copies)."""
        state = self.__dict__.copy()
        if getattr(self, '_mapped_image_ids', None):
            state['_image_ids'] = None
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        if self._image_ids is None and self._fully_initialized:
            self._image_ids = np.load(self._mapped_image_ids, mmap_mode='r',
                                      allow_pickle=False)

    def load_data_list(self):
        raise NotImplementedError('OpenImages keeps no data_list; its '
                                  'samples come from the label store')

    def __len__(self) -> int:
        self.full_init()
        return self._label_store.num_samples

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx``: image path and labels."""
        self.full_init()
        prefix = self.data_prefix.get('img_path', '')
        score = self._label_store.get(idx)
        return dict(
            img_path=osp.join(prefix, image_id_str(self._image_ids[idx]) +
                              self.image_ext),
            sample_idx=idx, gt_score=score,
            gt_label=np.flatnonzero(score == 1))

    def get_cat_ids(self, idx: int):
        """Observed positive class ids of sample ``idx``."""
        return np.flatnonzero(self.label_store.get(idx) == 1).tolist()


def _subset_rows(num: int, indices) -> np.ndarray:
    """Rows of mmengine's ``indices``: an int keeps the first (>= 0) or
    last (< 0) ones, a sequence those rows."""
    rows = np.arange(num)
    if isinstance(indices, int):
        return rows[:indices] if indices >= 0 else rows[indices:]
    return rows[np.asarray(indices, dtype=np.int64)]
