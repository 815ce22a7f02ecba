"""Datasets, annotation reading, label stores, transforms and samplers."""
from .annotation import AnnotationError, dense_labels, load_annotation
from .cifar_lt_pll import CIFARLTPLL
from .coco_multilabel import COCOMultiLabel
from .csv_dataset import CSVDataset
from .dense_label_dataset import DenseLabelDataset
from .digitmosaic import DigitMosaic, build_digitmosaic
from .digitmosaic_pll import DigitMosaicPLL
from .label_store import LabelStore
from .list_file_dataset import ListFileDataset
from .mlc_dataset import MLCDataset
from .open_images import OpenImages
from .pll_dataset import PLLDataset
from .samplers import ClassAwareSampler, positive_lists
from .sparse_labels import SparseLabelStore
from .stitchup_dataset import StitchUpDataset
from .transforms import (
    CenterPadToSquare,
    Cutout,
    LoadImageFromFile,
    PhotoMetricDistortion,
    PILColorJitter,
    PILRandomGrayscale,
    RandAugmentUDA,
    RandomAugmentPLL,
    RandomSquareCropChoice,
    RelativeRandomCrop,
)
from .voc_multilabel import VOCMultiLabel

__all__ = [
    # annotation reading
    'AnnotationError', 'dense_labels', 'load_annotation',
    # label stores
    'LabelStore', 'SparseLabelStore',
    # datasets
    'CIFARLTPLL', 'COCOMultiLabel', 'CSVDataset', 'DenseLabelDataset',
    'DigitMosaic', 'DigitMosaicPLL', 'ListFileDataset', 'MLCDataset',
    'OpenImages', 'PLLDataset', 'StitchUpDataset', 'VOCMultiLabel',
    'build_digitmosaic',
    # samplers
    'ClassAwareSampler', 'positive_lists',
    # transforms
    'CenterPadToSquare', 'Cutout', 'LoadImageFromFile',
    'PhotoMetricDistortion', 'PILColorJitter', 'PILRandomGrayscale',
    'RandAugmentUDA', 'RandomAugmentPLL', 'RandomSquareCropChoice',
    'RelativeRandomCrop',
]
