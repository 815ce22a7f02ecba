"""CORR: consistency-regularised partial-label loss."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from .mlc_loss_base import check_values_now

EPS = 1e-9
REDUCTIONS = ('none', 'sum', 'mean', 'batchmean')


def reduce_per_sample(loss: torch.Tensor, reduction: str,
                      avg_factor: Optional[float], name: str) -> torch.Tensor:
    """Reduce a (B,) per-sample loss; ``mean``/``batchmean`` divide by B (or
    ``avg_factor``)."""
    check_choice(name, 'reduction', reduction, REDUCTIONS)
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    return loss.sum() / (avg_factor if avg_factor is not None
                         else max(loss.shape[0], 1))


def check_views(cls_score, target: torch.Tensor, name: str,
                values: bool = True) -> List[torch.Tensor]:
    """Views as a list of (B, C) float tensors matching ``target``.

    Shapes are checked on every call; the confidence values (a host-device
    sync) only with ``values`` (the losses pass True on their first call,
    or always with ``MLC_CHECK_LOSS_INPUTS=1``).
    """
    views = list(cls_score) if isinstance(cls_score, (list, tuple)) else \
        list(cls_score.unbind(0)) if cls_score.dim() == 3 else [cls_score]
    for z in views:
        if z.dim() != 2 or z.shape != target.shape:
            raise ValueError(f'{name}: every view must be (B, C) like the '
                             f'confidence target {tuple(target.shape)}, got '
                             f'{tuple(z.shape)}')
    if values and (not torch.isfinite(target).all() or (target < 0).any()):
        raise ValueError(f'{name}: confidence targets must be finite and '
                         'non-negative (PLL losses take confidences, not '
                         '{1, 0, -1} labels)')
    return [z.float() if z.dtype in (torch.float16, torch.bfloat16) else z
            for z in views]


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
class CORRLoss(nn.Module):
    """CORR loss as run in the RECORDS code (default) or the original 3-view
    variant (``wu-dd/PLCR``).

    With views v = 1..V, p^v = softmax(z^v), confidences c (B, C) and the
    non-candidate mask 1[c = 0] (entries whose *current* confidence is 0):

    - L_sup = Σ_{v ∈ sup} Σ_{j: c_j = 0} −log(|1 − p^v_j| + 1e-9), over all
      views (RECORDS code) or the first ("plain") view only (``views=3``).
    - L_con = Σ_v KL(c ‖ p^v) (0·log 0 = 0).
    - L = L_sup + λ(t)·L_con, λ(t) = λ₀·min(t / ramp_epochs, 1) (no ramp by
      default).

    The computation is :func:`corr_loss`; :meth:`update_confidence` gives
    the disambiguated rows
    c ∝ mask ⊙ (Π_v p^v)^{1/V} (with an optional prior-debiasing of the
    logits, RECORDS).

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
        super().__init__()
        if views < 1:
            raise ValueError(f'CORRLoss: views must be >= 1, got {views}')
        sup_views = sup_views or ('first' if views == 3 else 'all')
        if sup_views not in ('all', 'first'):
            raise ValueError("CORRLoss: sup_views must be 'all' or 'first'")
        self.views, self.sup_views = views, sup_views
        self._checked = False
        self.con_weight, self.ramp_epochs = con_weight, ramp_epochs
        self.reduction, self.loss_weight = reduction, loss_weight

    def con_lambda(self, epoch: int) -> float:
        """λ(t) of the consistency term at ``epoch``."""
        if self.ramp_epochs <= 0:
            return self.con_weight
        return self.con_weight * min(epoch / self.ramp_epochs, 1.)

    def checked_views(self, cls_score,
                      target: torch.Tensor) -> List[torch.Tensor]:
        """The V (B, C) float views, validated (values on the first call)."""
        views = check_views(cls_score, target, type(self).__name__,
                            check_values_now(self._checked))
        self._checked = True
        if len(views) != self.views:
            raise ValueError(f'CORRLoss: expected {self.views} views, got '
                             f'{len(views)}')
        return views

    def terms(self, cls_score, target: torch.Tensor
              ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Per-sample (B,) L_sup and L_con (before λ; :func:`corr_terms`)."""
        return corr_terms(self.checked_views(cls_score, target), target,
                          self.sup_views)

    def forward(self, cls_score, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                epoch: int = 0, **kwargs) -> torch.Tensor:
        """Loss of V views of logits against confidences.

        Args:
            cls_score (list | Tensor): V (B, C) logits or a (V, B, C) tensor.
            target (Tensor): (B, C) confidences c (rows sum to 1).
            weight (Tensor, optional): (B,) per-sample weights.
            epoch (int): Current epoch (for the λ ramp).
        """
        return self.loss_weight * corr_loss(
            self.checked_views(cls_score, target), target, weight,
            self.con_lambda(epoch), self.sup_views,
            reduction_override or self.reduction, avg_factor)

    @staticmethod
    @torch.no_grad()
    def update_confidence(cls_score: Sequence[torch.Tensor],
                          mask: torch.Tensor,
                          log_prior: Optional[torch.Tensor] = None
                          ) -> torch.Tensor:
        """New confidence rows c ∝ mask ⊙ (Π_v q^v)^{1/V}.

        Without a prior (CORR code): q^v = softmax(z^v); product, V-th root,
        normalise (+1e-9). With ``log_prior`` (RECORDS code): q^v =
        softmax(z^v − log π̂); product, normalise, V-th root, normalise
        (each +1e-9).

        Args:
            cls_score (list): V detached (B, C) logits.
            mask (Tensor): (B, C) entries allowed to hold mass.
            log_prior (Tensor, optional): (C,) log(π̂ + 1e-9).

        Returns:
            Tensor: (B, C) float32 rows summing to 1 (up to 1e-9).
        """
        views = [z.detach().float() for z in cls_score]
        if log_prior is not None:
            views = [z - log_prior.float() for z in views]
        rows = mask.float()
        for z in views:
            rows = rows * F.softmax(z, 1)
        if log_prior is not None:
            rows = normalise(rows)
        return normalise(rows.pow(1. / len(views)))
