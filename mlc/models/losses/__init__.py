"""Multi-label losses (conventions §4)."""
from .corr_loss import CORRLoss
from .distribution_balanced_loss import (
    DistributionBalancedLoss, load_class_freq)
from .head_tail_balancer_loss import HeadTailBalancerLoss
from .hill_loss import HillLoss
from .masked_asl_loss import MaskedASLLoss
from .masked_bce_loss import MaskedBCELoss
from .masked_focal_loss import MaskedFocalLoss
from .mlc_loss_base import MLCLossBase
from .multi_focal_modifier_loss import MultiFocalModifierLoss
from .proden_loss import PRODENLoss
from .pu_mixup_consistency_loss import PUMixupConsistencyLoss
from .rlc_loss import RLCLoss
from .splc_loss import SPLCLoss
from .vpu_loss import VPULoss
from .wan_loss import WANLoss

__all__ = [
    'CORRLoss', 'DistributionBalancedLoss', 'HeadTailBalancerLoss',
    'HillLoss', 'load_class_freq', 'MaskedASLLoss', 'MaskedBCELoss',
    'MaskedFocalLoss', 'MLCLossBase', 'MultiFocalModifierLoss',
    'PRODENLoss', 'PUMixupConsistencyLoss', 'RLCLoss', 'SPLCLoss',
    'VPULoss', 'WANLoss'
]
