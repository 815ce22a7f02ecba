"""Multi-label losses (conventions §4)."""
from .masked_bce_loss import MaskedBCELoss
from .mlc_loss_base import MLCLossBase

__all__ = ['MLCLossBase', 'MaskedBCELoss']
