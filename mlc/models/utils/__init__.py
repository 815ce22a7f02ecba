"""Model utilities."""
from .autocast_off import autocast_off
from .branch_label_memory import BranchLabelMemory
from .class_stats import ClassStats, push_training_stats
from .co_learning_data_preprocessor import CoLearningDataPreprocessor
from .data_preprocessor import MLCDataPreprocessor
from .lgc_conv import GlobalBranch, LGCConv2d, convert_to_lgc
from .multiview_data_preprocessor import MultiViewClsDataPreprocessor
from .per_sample_state import PerSampleState, commit_states
from .pll_state import PLLState
from .prior_threshold import PriorAdjustedThreshold
from .sinkhorn import sinkhorn
from .state_aware_ema import StateAwareEMA
from .targets import stack_targets

__all__ = [
    'BranchLabelMemory', 'ClassStats', 'CoLearningDataPreprocessor',
    'GlobalBranch', 'LGCConv2d', 'MLCDataPreprocessor',
    'MultiViewClsDataPreprocessor', 'PLLState', 'PerSampleState',
    'PriorAdjustedThreshold', 'StateAwareEMA', 'autocast_off',
    'commit_states', 'convert_to_lgc', 'push_training_stats', 'sinkhorn',
    'stack_targets'
]
