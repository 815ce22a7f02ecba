"""Hooks."""
from .class_freq_hook import ClassFreqHook
from .co_learning_correction_hook import CoLearningCorrectionHook
from .comic_correction_hook import ComicCorrectionHook
from .confidence_update_hook import ConfidenceUpdateHook
from .label_store_hook import LabelStoreHook
from .random_state_hook import RandomStateHook
from .solar_prior_hook import SoLarPriorHook
from .splc_epoch_hook import SPLCEpochHook
from .ssgrl_graph_hook import SSGRLGraphHook

__all__ = [
    'ClassFreqHook', 'CoLearningCorrectionHook', 'ComicCorrectionHook',
    'ConfidenceUpdateHook', 'LabelStoreHook', 'RandomStateHook',
    'SoLarPriorHook', 'SPLCEpochHook', 'SSGRLGraphHook'
]
