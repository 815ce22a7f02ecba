"""Datasets, annotation reading, label store."""
from .annotation import AnnotationError, dense_labels, load_annotation
from .digitmosaic import DigitMosaic, build_digitmosaic
from .label_store import LabelStore
from .mlc_dataset import MLCDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['AnnotationError', 'DigitMosaic', 'LabelStore', 'MLCDataset', 'dense_labels',
           'load_annotation', 'build_digitmosaic']
