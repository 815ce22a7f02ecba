"""WAN ("weak assume negative") loss (arXiv 2106.09708)."""
from typing import Optional

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .mlc_loss_base import MLCLossBase


@MODELS.register_module()
class WANLoss(MLCLossBase):
    """BCE with unknowns as negatives of weight ``w`` (default 1/(C-1)).

    ``-[1[t=1] log p + w 1[t=-1] log(1-p) + 1[t=0] log(1-p)]``: observed
    negatives keep weight 1 (project choice; the single-positive setting of
    the paper has none).

    Args:
        weak_weight (float, optional): Weight ``w`` of unknown entries;
            ``None`` (default) uses ``1 / (C - 1)``.
        reduction (str): Defaults to ``'sum'``.
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str, optional): ``'weak_negative'`` (default),
            ``'negative'`` (plain BCE), ``'ignore'`` or ``'error'``.
    """

    default_unknown_as = 'weak_negative'
    extra_unknown_modes = ('weak_negative', )

    def __init__(self,
                 weak_weight: Optional[float] = None,
                 reduction: str = 'sum',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        if weak_weight is not None and weak_weight < 0:
            raise ValueError(f'WANLoss: weak_weight must be >= 0, got '
                             f'{weak_weight}')
        self.weak_weight = weak_weight

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) weighted BCE; unknowns weighted by ``w``."""
        loss = F.binary_cross_entropy_with_logits(z, y, reduction='none')
        if self.unknown_as != 'weak_negative':
            return loss
        w = self.weak_weight
        if w is None:
            if z.shape[1] < 2:
                raise ValueError('WANLoss: w = 1/(C-1) needs C >= 2 classes; '
                                 'set weak_weight')
            w = 1. / (z.shape[1] - 1)
        return torch.where(t == -1, w * loss, loss)
