"""The DigitMosaic dataset: builds its files on demand, then reads them."""
import os.path as osp

from mmengine.dist import barrier, get_rank

from mlc.registry import DATASETS
from ..mlc_dataset import MLCDataset
from .generator import (SPLITS, build_digitmosaic, check_build,
                        variant_params)


def prepare_digitmosaic(data_root: str, variant: str, seed: int = 0,
                        img_size: int = 32) -> str:
    """Build ``<data_root>/<variant>`` if missing, on rank 0 only.

    Under DDP the other ranks wait at a barrier, then check that the folder
    holds the requested build. A failure on rank 0 still reaches the
    barrier, so no rank hangs.

    Returns:
        str: The variant folder.
    """
    folder = osp.join(data_root, variant)
    error = None
    if get_rank() == 0:
        try:
            build_digitmosaic(data_root, variant, seed=seed,
                              img_size=img_size)
        except Exception as err:  # re-raised after the barrier
            error = err
    barrier()
    if error is not None:
        raise error
    check_build(folder, variant_params(variant, seed, img_size))
    return folder


@DATASETS.register_module()
class DigitMosaic(MLCDataset):
    """A multi-label DigitMosaic variant (benchmarks.md §7).

    Generates ``<data_root>/<variant>`` if needed (see
    :func:`prepare_digitmosaic`), then reads ``<split>.json`` with images
    relative to the variant folder and its ``class_split.json``. The ``pll``
    variant is single-label: read its files with the PLL dataset class.

    Args:
        data_root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        variant (str): ``full``, ``pl``, ``single``, ``pu``, ``lt``, ``plt``, ``noise``
            or ``lt-noise``.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        seed (int): Data seed of the build.
        img_size (int): Image side of the build.
        **kwargs: Other :class:`MLCDataset` arguments (``pipeline``,
            ``test_mode``, ``indices``, …).
    """

    def __init__(self, data_root: str, variant: str = 'full',
                 split: str = 'train', seed: int = 0, img_size: int = 32,
                 **kwargs) -> None:
        if variant == 'pll':
            raise ValueError('DigitMosaic-PLL is single-label: build it with '
                             'build_digitmosaic and read pll/<split>.json '
                             'with the PLL dataset class')
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        folder = prepare_digitmosaic(data_root, variant, seed, img_size)
        self.variant, self.split = variant, split
        super().__init__(
            ann_file=f'{split}.json',
            data_root=folder,
            data_prefix=dict(img_path=''),
            class_split=osp.join(folder, 'class_split.json'),
            **kwargs)
