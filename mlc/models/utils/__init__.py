"""Model utilities."""
from .data_preprocessor import MLCDataPreprocessor
from .state_aware_ema import StateAwareEMA

__all__ = ['MLCDataPreprocessor', 'StateAwareEMA']
