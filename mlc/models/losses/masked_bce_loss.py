"""Binary cross-entropy with the {1, 0, -1} label convention."""
import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .mlc_loss_base import MLCLossBase


@MODELS.register_module()
class MaskedBCELoss(MLCLossBase):
    """Sigmoid binary cross-entropy, ``-[y log p + (1 - y) log(1 - p)]``.

    Computed from logits (numerically stable). Unknown targets follow
    ``unknown_as`` (default ``'negative'``: the "assume negative" baseline of
    the missing-label papers).

    Args:
        reduction (str): See :class:`MLCLossBase`. Defaults to ``'mean'``.
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str): ``'negative'``, ``'ignore'`` or ``'error'``.
    """

    default_unknown_as = 'negative'

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) BCE of logits ``z`` against binary targets ``y``."""
        return F.binary_cross_entropy_with_logits(z, y, reduction='none')
