"""The DigitMosaic dataset: builds its files on demand, then reads them."""
import os.path as osp
from typing import Optional

from mmengine.dist import barrier, get_rank

from mlc.registry import DATASETS
from ..mlc_dataset import MLCDataset
from .generator import (
    SPLITS,
    VARIANTS,
    GeometryArg,
    build_digitmosaic,
    check_build,
    variant_folder,
    variant_params,
)


def prepare_digitmosaic(data_root: str, variant: str, seed: int = 0,
                        img_size: Optional[int] = None,
                        geometry: GeometryArg = None) -> str:
    """Build the variant folder (``<data_root>/<variant>``, or
    ``<data_root>/<geometry>/<variant>``) if missing, on rank 0 only.

    Under DDP the other ranks wait at a barrier, then check that the folder
    holds the requested build. A failure on rank 0 still reaches the
    barrier, so no rank hangs.

    Returns:
        str: The variant folder.
    """
    folder = variant_folder(data_root, variant, geometry, img_size)
    error = None
    if get_rank() == 0:
        try:
            build_digitmosaic(data_root, variant, seed=seed,
                              img_size=img_size, geometry=geometry)
        except Exception as err:  # re-raised after the barrier
            error = err
    barrier()
    if error is not None:
        raise error
    check_build(folder, variant_params(variant, seed, img_size, geometry))
    return folder


@DATASETS.register_module()
class DigitMosaic(MLCDataset):
    """A multi-label DigitMosaic variant (docs/datasets.md).

    Generates the variant folder if needed (see
    :func:`prepare_digitmosaic`), then reads ``<split>.json`` with images
    relative to the variant folder and its ``class_split.json``. The
    ``pll*`` variants are single-label: read them with
    :class:`~mlc.datasets.DigitMosaicPLL`.

    Args:
        data_root (str): Folder of the variants, e.g. ``data/digitmosaic``.
        variant (str): ``full``, ``pl``, ``single``, ``pu``, ``lt``,
            ``plt``, ``noise``, ``lt-noise``, ``lt-noise-prior`` (spurious
            positives in proportion to the class frequency), or
            ``pretrain`` (clean and
            balanced like ``full``, drawn only from the seed's train-pool
            source digits: pre-training for frozen trunks).
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        seed (int): Data seed of the build.
        img_size (int, optional): Image side of the build; default: the
            geometry's (32 for the default geometry).
        geometry (str | dict, optional): ``'hard'``, ``'shifted'`` or
            knobs (``canvas``, ``grid``, ``scale``, ``dup_prob``,
            ``img_size``) of :class:`~.geometry.Geometry`; default: the
            original 2x2 mosaics.
        **kwargs: Other :class:`MLCDataset` arguments (``pipeline``,
            ``test_mode``, ``indices``, …).
    """

    def __init__(self, data_root: str, variant: str = 'full',
                 split: str = 'train', seed: int = 0,
                 img_size: Optional[int] = None,
                 geometry: GeometryArg = None, **kwargs) -> None:
        if variant in VARIANTS and VARIANTS[variant].kind == 'single':
            raise ValueError(f'DigitMosaic {variant!r} is single-label '
                             '(partial-label): use DigitMosaicPLL')
        if split not in SPLITS:
            raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
        folder = prepare_digitmosaic(data_root, variant, seed, img_size,
                                     geometry)
        self.variant, self.split = variant, split
        super().__init__(
            ann_file=f'{split}.json',
            data_root=folder,
            data_prefix=dict(img_path=''),
            class_split=osp.join(folder, 'class_split.json'),
            **kwargs)
