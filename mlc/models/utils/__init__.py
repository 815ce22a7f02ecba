"""Model utilities."""
from .data_preprocessor import MLCDataPreprocessor
from .state_aware_ema import StateAwareEMA

__all__ = ['MLCDataPreprocessor', 'StateAwareEMA']
from .lgc_conv import GlobalBranch, LGCConv2d, convert_to_lgc  # noqa: E402
__all__ += ['GlobalBranch', 'LGCConv2d', 'convert_to_lgc']
from .multiview_data_preprocessor import MultiViewClsDataPreprocessor  # noqa: E402
from .pll_state import PLLState  # noqa: E402
from .sinkhorn import sinkhorn  # noqa: E402
__all__ += ['MultiViewClsDataPreprocessor', 'PLLState', 'sinkhorn']
from .co_learning_data_preprocessor import CoLearningDataPreprocessor  # noqa: E402
__all__ += ['CoLearningDataPreprocessor']
from .prior_threshold import PriorAdjustedThreshold  # noqa: E402
__all__ += ['PriorAdjustedThreshold']
