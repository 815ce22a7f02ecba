"""Multi-label losses (conventions §4)."""
from .masked_bce_loss import MaskedBCELoss
from .mlc_loss_base import MLCLossBase
from .hill_loss import HillLoss
from .masked_asl_loss import MaskedASLLoss
from .masked_focal_loss import MaskedFocalLoss
from .splc_loss import SPLCLoss
from .wan_loss import WANLoss

__all__ = ['MLCLossBase', 'MaskedBCELoss']
__all__ += ['HillLoss', 'MaskedASLLoss', 'MaskedFocalLoss', 'SPLCLoss', 'WANLoss']
from .distribution_balanced_loss import DistributionBalancedLoss, load_class_freq  # noqa: E402
__all__ += ['DistributionBalancedLoss', 'load_class_freq']
from .vpu_loss import VPULoss  # noqa: E402
from .pu_mixup_consistency_loss import PUMixupConsistencyLoss  # noqa: E402
__all__ += ['VPULoss', 'PUMixupConsistencyLoss']
from .multi_focal_modifier_loss import MultiFocalModifierLoss  # noqa: E402
from .rlc_loss import RLCLoss  # noqa: E402
from .head_tail_balancer_loss import HeadTailBalancerLoss  # noqa: E402
__all__ += ['MultiFocalModifierLoss', 'RLCLoss', 'HeadTailBalancerLoss']
from .corr_loss import CORRLoss  # noqa: E402
from .proden_loss import PRODENLoss  # noqa: E402
__all__ += ['CORRLoss', 'PRODENLoss']
