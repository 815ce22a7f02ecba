"""CIFAR-10/100-LT partial-label benchmark: archive reader, builder
(:mod:`.builder`) and dataset."""
from .archive import CIFAR10_CLASSES, cifar_folder, read_cifar
from .builder import (
    BUILD_VERSION,
    GROUP_SIZES,
    build_annotations,
    build_params,
    default_name,
    lt_counts,
    make_cifar_lt_pll,
    rank_class_split,
)
from .dataset import CIFARLTPLL

__all__ = [
    'BUILD_VERSION', 'CIFAR10_CLASSES', 'CIFARLTPLL', 'GROUP_SIZES',
    'build_annotations', 'build_params', 'cifar_folder', 'default_name',
    'lt_counts', 'make_cifar_lt_pll', 'rank_class_split', 'read_cifar'
]
