"""Hooks."""
from .class_stats_hook import ClassFreqHook, ClassStatsHook, SSGRLGraphHook
from .co_learning_correction_hook import CoLearningCorrectionHook
from .comic_correction_hook import ComicCorrectionHook
from .confidence_update_hook import ConfidenceUpdateHook
from .data_model_check_hook import DataModelCheckHook
from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .solar_prior_hook import SoLarPriorHook
from .splc_epoch_hook import SPLCEpochHook

__all__ = [
    'ClassFreqHook', 'ClassStatsHook', 'CoLearningCorrectionHook',
    'ComicCorrectionHook', 'ConfidenceUpdateHook', 'DataModelCheckHook',
    'RandomStateHook', 'SafeCheckpointHook', 'SoLarPriorHook',
    'SPLCEpochHook', 'SSGRLGraphHook'
]
