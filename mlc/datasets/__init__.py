"""Datasets, annotation reading, label store."""
from .annotation import AnnotationError, dense_labels, load_annotation
from .digitmosaic import DigitMosaic, build_digitmosaic
from .label_store import LabelStore
from .mlc_dataset import MLCDataset
from .transforms import *  # noqa: F401,F403
from .pll_dataset import PLLDataset  # noqa: F401
from .cifar_lt_pll import CIFARLTPLL  # noqa: F401
from .digitmosaic_pll import DigitMosaicPLL  # noqa: F401
from .samplers import *  # noqa: F401,F403
from .stitchup_dataset import StitchUpDataset  # noqa: F401
from .coco_multilabel import COCOMultiLabel  # noqa: F401
from .list_file_dataset import ListFileDataset  # noqa: F401
from .voc_multilabel import VOCMultiLabel  # noqa: F401

__all__ = ['AnnotationError', 'DigitMosaic', 'LabelStore', 'MLCDataset', 'dense_labels',
           'load_annotation', 'build_digitmosaic']
