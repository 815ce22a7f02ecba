"""Model utilities."""
from .branch_label_memory import BranchLabelMemory
from .co_learning_data_preprocessor import CoLearningDataPreprocessor
from .data_preprocessor import MLCDataPreprocessor
from .lgc_conv import GlobalBranch, LGCConv2d, convert_to_lgc
from .multiview_data_preprocessor import MultiViewClsDataPreprocessor
from .pll_state import PLLState
from .prior_threshold import PriorAdjustedThreshold
from .sinkhorn import sinkhorn
from .state_aware_ema import StateAwareEMA

__all__ = [
    'BranchLabelMemory', 'CoLearningDataPreprocessor', 'GlobalBranch',
    'LGCConv2d', 'MLCDataPreprocessor', 'MultiViewClsDataPreprocessor',
    'PLLState', 'PriorAdjustedThreshold', 'StateAwareEMA', 'convert_to_lgc',
    'sinkhorn'
]
