"""Multi-label losses (docs/conventions.md, section 4): each registered module
beside its functional form (the module's forward calls it)."""
from .corr_loss import CORRLoss, corr_loss
from .distribution_balanced_loss import (
    DistributionBalancedLoss,
    distribution_balanced_loss,
    load_class_freq,
)
from .head_tail_balancer_loss import (
    HeadTailBalancerLoss,
    head_tail_balancer_loss,
)
from .hill_loss import HillLoss, hill_loss
from .masked_asl_loss import MaskedASLLoss, masked_asl_loss
from .masked_bce_loss import MaskedBCELoss, masked_bce_loss
from .masked_focal_loss import MaskedFocalLoss, masked_focal_loss
from .mlc_loss_base import (
    MLCLossBase,
    MultiLabelLossBase,
    weight_reduce_loss,
)
from .multi_focal_modifier_loss import (
    MultiFocalModifierLoss,
    multi_focal_modifier_loss,
)
from .pll_loss_base import PLLLossBase
from .proden_loss import PRODENLoss, proden_loss
from .pu_mixup_consistency_loss import (
    PUMixupConsistencyLoss,
    pu_mixup_consistency_loss,
)
from .rlc_loss import RLCLoss, RLCState, rlc_loss
from .splc_loss import SPLCLoss, SPLCState, splc_loss
from .vpu_loss import VPULoss, vpu_loss
from .wan_loss import WANLoss, wan_loss

__all__ = [
    'CORRLoss', 'DistributionBalancedLoss', 'HeadTailBalancerLoss',
    'HillLoss', 'load_class_freq', 'MaskedASLLoss', 'MaskedBCELoss',
    'MaskedFocalLoss', 'MLCLossBase', 'MultiFocalModifierLoss',
    'MultiLabelLossBase', 'PLLLossBase', 'PRODENLoss',
    'PUMixupConsistencyLoss', 'RLCLoss', 'RLCState',
    'SPLCLoss', 'SPLCState', 'VPULoss', 'WANLoss',
    'corr_loss', 'distribution_balanced_loss', 'head_tail_balancer_loss',
    'hill_loss', 'masked_asl_loss', 'masked_bce_loss', 'masked_focal_loss',
    'multi_focal_modifier_loss', 'proden_loss', 'pu_mixup_consistency_loss',
    'rlc_loss', 'splc_loss', 'vpu_loss', 'wan_loss', 'weight_reduce_loss'
]
