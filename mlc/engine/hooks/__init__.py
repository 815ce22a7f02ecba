"""Hooks."""
from .splc_epoch_hook import SPLCEpochHook

__all__ = []
__all__ += ['SPLCEpochHook']
from .ssgrl_graph_hook import SSGRLGraphHook  # noqa: E402
__all__ += ['SSGRLGraphHook']
from .comic_correction_hook import ComicCorrectionHook  # noqa: E402
__all__ += ['ComicCorrectionHook']
from .confidence_update_hook import ConfidenceUpdateHook  # noqa: E402
from .solar_prior_hook import SoLarPriorHook  # noqa: E402
__all__ += ['ConfidenceUpdateHook', 'SoLarPriorHook']
from .class_freq_hook import ClassFreqHook  # noqa: E402
from .co_learning_correction_hook import CoLearningCorrectionHook  # noqa: E402
from .random_state_hook import RandomStateHook  # noqa: E402
__all__ += ['ClassFreqHook', 'CoLearningCorrectionHook', 'RandomStateHook']
from .label_store_hook import LabelStoreHook  # noqa: E402
__all__ += ['LabelStoreHook']
