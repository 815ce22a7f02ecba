"""DigitMosaic-PLL: the single-digit long-tailed partial-label CPU benchmark."""
import os.path as osp

from mlc.registry import DATASETS
from .digitmosaic import prepare_digitmosaic
from .digitmosaic.generator import SPLITS
from .pll_dataset import PLLDataset


@DATASETS.register_module()
class DigitMosaicPLL(PLLDataset):
    """DigitMosaic-PLL (benchmarks.md §7): one pasted digit per image, train
    long-tailed (ρ = 100, 2,478 images) with uniform candidate sets (q = 0.3),
    balanced val/test whose candidate set is the true label.

    Builds ``<data_root>/pll`` on demand (like :class:`DigitMosaic`), then
    reads ``<split>.json`` and the pinned ``class_split.json`` (3/4/3 by
    rank).

    Args:
        data_root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        seed (int): Data seed of the build.
        img_size (int): Image side of the build.
        **kwargs: Other :class:`PLLDataset` arguments.
    """

    def __init__(self, data_root: str, split: str = 'train', seed: int = 0,
                 img_size: int = 32, **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        folder = prepare_digitmosaic(data_root, 'pll', seed, img_size)
        self.split = split
        kwargs.setdefault('class_split', osp.join(folder, 'class_split.json'))
        super().__init__(ann_file=f'{split}.json', data_root=folder,
                         data_prefix=dict(img_path=''), **kwargs)
