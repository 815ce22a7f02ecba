"""Model utilities."""
from .data_preprocessor import MLCDataPreprocessor

__all__ = ['MLCDataPreprocessor']
