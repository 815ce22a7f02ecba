"""CORR: consistency-regularised partial-label loss."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .pll_loss_base import PLLLossBase, reduce_per_sample

EPS = 1e-9


def normalise(rows: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """Rows divided by their sum (+ ``eps``)."""
    return rows / (rows.sum(1, keepdim=True) + eps)


def corr_terms(views: Sequence[torch.Tensor], target: torch.Tensor,
               sup_views: str = 'all') -> Tuple[torch.Tensor, torch.Tensor]:
    """Per-sample (B,) L_sup and L_con of CORR (see :class:`CORRLoss`).

    Args:
        views (list): V (B, C) float logits.
        target (Tensor): (B, C) confidences c.
        sup_views (str): ``'all'`` or ``'first'``: the views of L_sup.
    """
    target = target.to(views[0].dtype)
    neg = (target == 0).to(views[0].dtype)
    sup_set = views if sup_views == 'all' else views[:1]
    sup = sum((neg * -torch.log(torch.abs(1 - F.softmax(z, 1)) + EPS)
               ).sum(1) for z in sup_set)
    con = sum(F.kl_div(F.log_softmax(z, 1), target,
                       reduction='none').sum(1) for z in views)
    return sup, con


def corr_loss(views: Sequence[torch.Tensor],
              target: torch.Tensor,
              weight: Optional[torch.Tensor] = None,
              con_lambda: float = 1.,
              sup_views: str = 'all',
              reduction: str = 'batchmean',
              avg_factor: Optional[float] = None) -> torch.Tensor:
    """CORR loss ``L_sup + λ L_con`` (see :class:`CORRLoss`; no input
    validation).

    Args:
        views (list): V (B, C) float logits.
        target (Tensor): (B, C) confidences c (rows sum to 1).
        weight (Tensor, optional): (B,) per-sample weights.
        con_lambda (float): λ of the consistency term. Defaults to 1.
        sup_views (str): ``'all'`` (default) or ``'first'``.
        reduction (str): ``'batchmean'`` (default), ``'mean'``, ``'sum'``
            or ``'none'`` (per sample).
        avg_factor (float, optional): Denominator of the means.

    Returns:
        Tensor: Scalar, or (B,) with ``reduction='none'``.
    """
    sup, con = corr_terms(views, target, sup_views)
    loss = sup + con_lambda * con
    if weight is not None:
        loss = loss * weight.reshape(-1).to(loss)
    return reduce_per_sample(loss, reduction, avg_factor, 'CORRLoss')


@MODELS.register_module()
class CORRLoss(PLLLossBase):
    """CORR loss as run in the RECORDS code (default) or the original 3-view
    variant (``wu-dd/PLCR``).

    With views v = 1..V, p^v = softmax(z^v), confidences c (B, C) and the
    non-candidate mask 1[c = 0] (entries whose *current* confidence is 0):

    - L_sup = Σ_{v ∈ sup} Σ_{j: c_j = 0} −log(|1 − p^v_j| + 1e-9), over all
      views (RECORDS code) or the first ("plain") view only (``views=3``).
    - L_con = Σ_v KL(c ‖ p^v) (0·log 0 = 0).
    - L = L_sup + λ(t)·L_con, λ(t) = λ₀·min(t / ramp_epochs, 1) (no ramp by
      default).

    The computation is :func:`corr_loss`; the confidence update
    (:meth:`PLLLossBase.update_confidence`, rule :meth:`confidence_rows`)
    gives the disambiguated rows c ∝ mask ⊙ (Π_v p^v)^{1/V} (with an
    optional prior-debiasing of the logits, RECORDS).

    Args:
        views (int): 2 (weak, strong; RECORDS code) or 3 (plain, weak,
            strong; original CORR).
        sup_views (str): ``'all'`` or ``'first'``; None = ``'all'`` for 2
            views, ``'first'`` for 3.
        con_weight (float): λ₀.
        ramp_epochs (int): Linear ramp length of λ (0 = constant; original
            CORR 100).
        reduction (str): ``'batchmean'`` (default, the code's sum / B),
            ``'mean'`` (same), ``'sum'`` or ``'none'`` (per sample).
        loss_weight (float): Multiplier of the reduced loss.
    """

    def __init__(self, views: int = 2, sup_views: Optional[str] = None,
                 con_weight: float = 1., ramp_epochs: int = 0,
                 reduction: str = 'batchmean',
                 loss_weight: float = 1.) -> None:
        super().__init__(reduction, loss_weight)
        if views < 1:
            raise ValueError(f'CORRLoss: views must be >= 1, got {views}')
        sup_views = sup_views or ('first' if views == 3 else 'all')
        if sup_views not in ('all', 'first'):
            raise ValueError("CORRLoss: sup_views must be 'all' or 'first'")
        self.views, self.sup_views = views, sup_views
        self.con_weight, self.ramp_epochs = con_weight, ramp_epochs

    def con_lambda(self, epoch: int) -> float:
        """λ(t) of the consistency term at ``epoch``."""
        if self.ramp_epochs <= 0:
            return self.con_weight
        return self.con_weight * min(epoch / self.ramp_epochs, 1.)

    def checked_views(self, cls_score,
                      target: torch.Tensor) -> List[torch.Tensor]:
        """The V (B, C) float views, validated (values on the first call)
        and counted."""
        views = super().checked_views(cls_score, target)
        if len(views) != self.views:
            raise ValueError(f'CORRLoss: expected {self.views} views, got '
                             f'{len(views)}')
        return views

    def terms(self, cls_score, target: torch.Tensor
              ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Per-sample (B,) L_sup and L_con (before λ; :func:`corr_terms`)."""
        return corr_terms(self.checked_views(cls_score, target), target,
                          self.sup_views)

    def loss_function(self, views: List[torch.Tensor], target: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], epoch: int = 0,
                      **ctx) -> torch.Tensor:
        """:func:`corr_loss` of the V checked (B, C) ``views`` against the
        (B, C) confidences ``target`` with λ(``epoch``) (the λ ramp)."""
        return corr_loss(views, target, weight, self.con_lambda(epoch),
                         self.sup_views, reduction, avg_factor)

    @staticmethod
    def confidence_rows(logits: List[torch.Tensor], mask: torch.Tensor,
                        debiased: bool) -> torch.Tensor:
        """Rows c ∝ mask ⊙ (Π_v q^v)^{1/V}, q^v = softmax of the V (B, C)
        (debiased) ``logits``.

        Without a prior (CORR code): product, V-th root, normalise (+1e-9).
        ``debiased`` (RECORDS code): product, normalise, V-th root,
        normalise (each +1e-9). Returns (B, C) float32 rows summing to 1
        (up to 1e-9).
        """
        rows = mask
        for z in logits:
            rows = rows * F.softmax(z, 1)
        if debiased:
            rows = normalise(rows)
        return normalise(rows.pow(1. / len(logits)))
