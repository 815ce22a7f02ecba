"""PRODEN partial-label loss."""
from typing import List, Optional

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .pll_loss_base import PLLLossBase, reduce_per_sample


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
class PRODENLoss(PLLLossBase):
    """PRODEN: L = −(1/B) Σ_i Σ_j c_ij log p_ij on the first (weak) view.

    The confidence update (:meth:`PLLLossBase.update_confidence`, rule
    :meth:`confidence_rows`) gives c ∝ mask ⊙ softmax(z) (RECORDS:
    softmax(z − log π̂)). The computation is :func:`proden_loss`.

    Args:
        reduction (str): ``'batchmean'`` (default), ``'mean'``, ``'sum'`` or
            ``'none'``.
        loss_weight (float): Multiplier of the reduced loss.
    """
    rule_views = 1  # the update reads the first (weak) view only

    def loss_function(self, views: List[torch.Tensor], target: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`proden_loss` of the first checked (B, C) view against the
        (B, C) confidences ``target``."""
        return proden_loss(views[0], target, weight, reduction, avg_factor)

    @staticmethod
    def confidence_rows(logits: List[torch.Tensor], mask: torch.Tensor,
                        debiased: bool) -> torch.Tensor:
        """(B, C) rows c ∝ mask ⊙ softmax(z) of the first (debiased) view
        (rows without mass stay 0)."""
        rows = mask * F.softmax(logits[0], 1)
        return rows / rows.sum(1, keepdim=True).clamp_min(
            torch.finfo(rows.dtype).tiny)
