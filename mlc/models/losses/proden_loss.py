"""PRODEN partial-label loss (records_corr_solar.md §3)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mlc.registry import MODELS
from .corr_loss import check_views, reduce_per_sample


@MODELS.register_module()
class PRODENLoss(nn.Module):
    """PRODEN: L = −(1/B) Σ_i Σ_j c_ij log p_ij on the first (weak) view.

    :meth:`update_confidence` gives c ∝ mask ⊙ softmax(z) (RECORDS:
    softmax(z − log π̂)).

    Args:
        reduction (str): ``'batchmean'`` (default), ``'mean'``, ``'sum'`` or
            ``'none'``.
        loss_weight (float): Multiplier of the reduced loss.
    """
    views = 1

    def __init__(self, reduction: str = 'batchmean',
                 loss_weight: float = 1.) -> None:
        super().__init__()
        self.reduction, self.loss_weight = reduction, loss_weight

    def forward(self, cls_score, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> torch.Tensor:
        """Loss of the first view's (B, C) logits against confidences."""
        z = check_views(cls_score, target, type(self).__name__)[0]
        loss = -(target.to(z) * F.log_softmax(z, 1)).sum(1)
        if weight is not None:
            loss = loss * weight.reshape(-1).to(loss)
        return self.loss_weight * reduce_per_sample(
            loss, reduction_override or self.reduction, avg_factor,
            type(self).__name__)

    @staticmethod
    @torch.no_grad()
    def update_confidence(cls_score: Sequence[torch.Tensor],
                          mask: torch.Tensor,
                          log_prior: Optional[torch.Tensor] = None
                          ) -> torch.Tensor:
        """c ∝ mask ⊙ softmax(z − log π̂) from the first view."""
        z = cls_score[0].detach().float()
        if log_prior is not None:
            z = z - log_prior.float()
        rows = mask.float() * F.softmax(z, 1)
        return rows / rows.sum(1, keepdim=True).clamp_min(
            torch.finfo(rows.dtype).tiny)
