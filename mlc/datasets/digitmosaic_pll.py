"""DigitMosaic-PLL: the single-digit partial-label CPU benchmark."""
import os.path as osp

from mlc.registry import DATASETS
from .digitmosaic import prepare_digitmosaic
from .digitmosaic.generator import SPLITS, VARIANTS
from .pll_dataset import PLLDataset


@DATASETS.register_module()
class DigitMosaicPLL(PLLDataset):
    """DigitMosaic-PLL (docs/datasets.md): one pasted digit per image, train
    with uniform candidate sets, balanced val/test (50 / 100 per class, the
    same images in every variant of a seed) whose candidate set is the true
    label. Variants: ``pll`` (long-tailed ρ = 100, 2,478 images, q = 0.3),
    ``pll-q05`` (same images, q = 0.5), ``pll-bal`` (balanced, 248 per
    class = 2,480 images, q = 0.3) and ``pll-bal-q05`` (q = 0.5).

    Builds ``<data_root>/<variant>`` on demand (like :class:`DigitMosaic`),
    then reads ``<split>.json`` and the pinned ``class_split.json`` (3/4/3
    by rank).

    Args:
        data_root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        seed (int): Data seed of the build.
        img_size (int): Image side of the build.
        variant (str): One of the single-digit variants above.
        **kwargs: Other :class:`PLLDataset` arguments.
    """

    def __init__(self, data_root: str, split: str = 'train', seed: int = 0,
                 img_size: int = 32, variant: str = 'pll',
                 **kwargs) -> None:
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        singles = sorted(n for n, v in VARIANTS.items() if v.kind == 'single')
        if variant not in singles:
            raise ValueError(f'DigitMosaicPLL variant must be one of '
                             f'{singles}, got {variant!r}')
        folder = prepare_digitmosaic(data_root, variant, seed, img_size)
        self.split, self.variant = split, variant
        kwargs.setdefault('class_split', osp.join(folder, 'class_split.json'))
        super().__init__(ann_file=f'{split}.json', data_root=folder,
                         data_prefix=dict(img_path=''), **kwargs)
