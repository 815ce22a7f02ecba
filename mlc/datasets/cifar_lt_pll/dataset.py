"""The CIFAR-10/100-LT partial-label dataset (built on demand)."""
import os.path as osp
from typing import Optional

import numpy as np
from mmengine.dist import barrier, get_rank

from mlc.registry import DATASETS
from ..pll_dataset import PLLDataset
from .archive import read_cifar
from .builder import build_params, default_name, make_cifar_lt_pll


@DATASETS.register_module()
class CIFARLTPLL(PLLDataset):
    """CIFAR-10/100-LT partial-label dataset.

    Builds the annotation files with :func:`make_cifar_lt_pll` if they are
    missing (rank 0 only; other ranks wait), then reads them; images come
    from the CIFAR arrays (``img_index``), as (32, 32, 3) uint8 RGB ``img``.

    Args:
        data_root (str): Folder of the CIFAR python archive.
        cifar (str): ``'cifar10'`` or ``'cifar100'``.
        split (str): ``'train'`` or ``'test'``.
        ann_dir (str, optional): Folder of the build; defaults to
            ``<data_root>/pll/<default_name(params)>``.
        imb_ratio, partial_rate, hierarchical, ratio, data_seed,
            class_perm_seed, legacy_rng: Build parameters
            (:func:`build_params`).
        **kwargs: Other :class:`PLLDataset` arguments (``pipeline``, ...).
    """

    def __init__(self, data_root: str, cifar: str = 'cifar10',
                 split: str = 'train', ann_dir: Optional[str] = None,
                 imb_ratio: float = 100, partial_rate: float = 0.3,
                 hierarchical: bool = False, ratio: float = 8,
                 data_seed: int = 0, class_perm_seed: Optional[int] = None,
                 legacy_rng: bool = False, **kwargs) -> None:
        if split not in ('train', 'test'):
            raise ValueError(f"split must be 'train' or 'test', got {split!r}")
        params = build_params(cifar, imb_ratio, partial_rate, hierarchical,
                              ratio, data_seed, class_perm_seed, legacy_rng)
        ann_dir = ann_dir or osp.join(data_root, 'pll', default_name(params))
        error = None
        if get_rank() == 0:
            try:
                make_cifar_lt_pll(data_root, ann_dir, **{
                    k: v for k, v in params.items() if k != 'build_version'})
            except Exception as err:  # re-raised after the barrier
                error = err
        barrier()
        if error is not None:
            raise error
        self.cifar_root, self.cifar, self.split = data_root, cifar, split
        self._images: Optional[np.ndarray] = None
        kwargs.setdefault('class_split', osp.join(ann_dir, 'class_split.json'))
        super().__init__(ann_file=osp.join(ann_dir, f'{split}.json'),
                         **kwargs)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        self._images = read_cifar(self.cifar_root, self.cifar, self.split)[0]
        super().full_init()

    def get_data_info(self, idx: int) -> dict:
        """Sample ``idx`` with its (32, 32, 3) RGB ``img`` array."""
        info = super().get_data_info(idx)
        img = self._images[info['img_index']]
        info.update(img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
        return info
