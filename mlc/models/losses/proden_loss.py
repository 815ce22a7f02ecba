"""PRODEN partial-label loss."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F

from mlc.registry import MODELS
from .corr_loss import check_views, reduce_per_sample
from .mlc_loss_base import check_values_now


def proden_loss(pred: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                reduction: str = 'batchmean',
                avg_factor: Optional[float] = None) -> torch.Tensor:
    """PRODEN loss ``−Σ_j c_ij log softmax(z)_ij`` per sample (see
    :class:`PRODENLoss`; no input validation).

    Args:
        pred (Tensor): (B, C) logits of the first view.
        target (Tensor): (B, C) confidences c.
        weight (Tensor, optional): (B,) per-sample weights.
        reduction (str): ``'batchmean'`` (default), ``'mean'``, ``'sum'``
            or ``'none'`` (per sample).
        avg_factor (float, optional): Denominator of the means.

    Returns:
        Tensor: Scalar, or (B,) with ``reduction='none'``.
    """
    z = pred.float() if pred.dtype in (torch.float16, torch.bfloat16) \
        else pred
    loss = -(target.to(z) * F.log_softmax(z, 1)).sum(1)
    if weight is not None:
        loss = loss * weight.reshape(-1).to(loss)
    return reduce_per_sample(loss, reduction, avg_factor, 'PRODENLoss')


@MODELS.register_module()
class PRODENLoss(nn.Module):
    """PRODEN: L = −(1/B) Σ_i Σ_j c_ij log p_ij on the first (weak) view.

    :meth:`update_confidence` gives c ∝ mask ⊙ softmax(z) (RECORDS:
    softmax(z − log π̂)). The computation is :func:`proden_loss`.

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
        self._checked = False

    def forward(self, cls_score, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> torch.Tensor:
        """Loss of the first view's (B, C) logits against confidences."""
        # confidence values on the first call only (no host-device sync
        # in later steps; MLC_CHECK_LOSS_INPUTS=1 checks every call)
        z = check_views(cls_score, target, type(self).__name__,
                        check_values_now(self._checked))[0]
        self._checked = True
        return self.loss_weight * proden_loss(
            z, target, weight, reduction_override or self.reduction,
            avg_factor)

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
