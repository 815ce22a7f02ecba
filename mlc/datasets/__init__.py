"""Datasets, annotation reading, label store."""
from .annotation import AnnotationError, dense_labels, load_annotation
from .label_store import LabelStore
from .mlc_dataset import MLCDataset

__all__ = ['AnnotationError', 'LabelStore', 'MLCDataset', 'dense_labels',
           'load_annotation']
