"""Shared base of the partial-label (PLL) losses: confidence targets, the
per-sample reduction and the confidence-update protocol."""
from typing import List, Optional, Sequence

import torch
import torch.nn as nn

from mlc.utils.choices import check_choice
from ..utils.autocast_off import autocast_off
from .mlc_loss_base import check_values_now

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


class PLLLossBase(nn.Module):
    """Base class of the partial-label losses (``CORRLoss``,
    ``PRODENLoss``): V views of (B, C) logits against (B, C) confidence rows
    c (non-negative, rows summing to 1).

    :meth:`forward` validates the views (:func:`check_views`; the values
    on the first call only, or on every call with
    ``MLC_CHECK_LOSS_INPUTS=1``), calls :meth:`loss_function` (the part a
    subclass defines) and multiplies by ``loss_weight``.

    The confidence-update protocol: after each step from its first update
    epoch, ``PLLLinearHead`` calls :meth:`update_confidence` on the detached
    logits of the step and stages the new rows, which
    ``ConfidenceUpdateHook`` commits after the optimiser step. A subclass
    defines the rule in :meth:`confidence_rows`.

    Args:
        reduction (str): ``'batchmean'`` (default, sum / B), ``'mean'``
            (same), ``'sum'`` or ``'none'`` (per sample).
        loss_weight (float): Multiplier of the reduced loss. Defaults to 1.
    """

    #: the number of views the loss takes (the pipeline's ``num_views``)
    views: int = 1
    #: the leading views :meth:`confidence_rows` reads (None: all of them);
    #: the others are not converted or debiased in the step
    rule_views: Optional[int] = None

    def __init__(self, reduction: str = 'batchmean',
                 loss_weight: float = 1.) -> None:
        super().__init__()
        self.reduction, self.loss_weight = reduction, loss_weight
        self._checked = False

    def checked_views(self, cls_score,
                      target: torch.Tensor) -> List[torch.Tensor]:
        """The (B, C) float views, validated (values on the first call)."""
        views = check_views(cls_score, target, type(self).__name__,
                            check_values_now(self._checked))
        self._checked = True
        return views

    def loss_function(self, views: List[torch.Tensor], target: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """The reduced loss (before ``loss_weight``) of the checked (B, C)
        float ``views`` against the (B, C) confidences ``target``."""
        raise NotImplementedError(
            f'{type(self).__name__} must define loss_function')

    def forward(self, cls_score, target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **ctx) -> torch.Tensor:
        """Loss of V views of logits against confidences.

        Args:
            cls_score (list | Tensor): V (B, C) logits or a (V, B, C) tensor.
            target (Tensor): (B, C) confidences c (rows sum to 1).
            weight (Tensor, optional): (B,) per-sample weights.
            avg_factor (float, optional): Denominator of the means.
            reduction_override (str, optional): Overrides ``reduction``.
            **ctx: Method inputs (``epoch``, ...).

        Returns:
            Tensor: Scalar, or (B,) with ``reduction='none'``.
        """
        with autocast_off(target):
            return self.loss_weight * self.loss_function(
                self.checked_views(cls_score, target), target, weight,
                reduction_override or self.reduction, avg_factor, **ctx)

    @classmethod
    @torch.no_grad()
    def update_confidence(cls,
                          cls_score: Sequence[torch.Tensor],
                          mask: torch.Tensor,
                          log_prior: Optional[torch.Tensor] = None
                          ) -> torch.Tensor:
        """New confidence rows from the logits of a step (no gradient).

        Args:
            cls_score (list): V (B, C) logits (detached here).
            mask (Tensor): (B, C) entries allowed to hold mass.
            log_prior (Tensor, optional): (C,) log(π̂ + 1e-9); the logits
                are debiased to z − log π̂ (RECORDS, Oracle-LA).

        Returns:
            Tensor: (B, C) float32 rows summing to 1 (see
            :meth:`confidence_rows`).
        """
        logits = [z.detach().float()
                  for z in list(cls_score)[:cls.rule_views]]
        if log_prior is not None:
            logits = [z - log_prior.float() for z in logits]
        return cls.confidence_rows(logits, mask.float(),
                                   log_prior is not None)

    @staticmethod
    def confidence_rows(logits: List[torch.Tensor], mask: torch.Tensor,
                        debiased: bool) -> torch.Tensor:
        """(B, C) rows of the method from the V (B, C) float32 (debiased)
        ``logits`` and the (B, C) float ``mask``; ``debiased`` says whether
        a prior was subtracted."""
        raise NotImplementedError('a PLL loss must define confidence_rows')
