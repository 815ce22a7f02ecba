"""Shared base of the multi-label losses: unknowns, masking, reduction."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.logging import MMLogger

REDUCTIONS = ('none', 'sum', 'mean', 'batchmean')


def check_loss_inputs(name: str, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor],
                      unknown_as: str) -> None:
    """Raise a ValueError naming loss ``name`` on malformed inputs.

    Args:
        name (str): Loss name used in the messages.
        z (Tensor): (B, C) logits; must be finite.
        t (Tensor): (B, C) targets; must be in {1, 0, -1}.
        weight (Tensor, optional): (B,) or (B, C) non-negative weights.
        unknown_as (str): With ``'error'``, any -1 target raises.
    """
    if z.dim() != 2 or z.shape != t.shape:
        raise ValueError(f'{name}: logits {tuple(z.shape)} and targets '
                         f'{tuple(t.shape)} must both be (B, C)')
    valid = torch.isin(t, t.new_tensor([1., 0., -1.]))
    if not valid.all():
        raise ValueError(f'{name}: targets must be in {{1, 0, -1}}, '
                         f'found {t[~valid][0].item()}')
    if not torch.isfinite(z).all():
        raise ValueError(f'{name}: logits contain NaN or Inf (diverged '
                         'training? lower the learning rate or use AMP '
                         'loss scaling)')
    if unknown_as == 'error' and (t == -1).any():
        raise ValueError(
            f'{name}: targets contain {int((t == -1).sum())} unknown (-1) '
            "entries and unknown_as='error'")
    if weight is not None:
        if weight.shape not in (z.shape[:1], z.shape):
            raise ValueError(f'{name}: weight of shape '
                             f'{tuple(weight.shape)} must be (B,) or '
                             f'(B, C) for logits {tuple(z.shape)}')
        if (weight < 0).any():
            raise ValueError(f'{name}: weights must be non-negative')


def log_unknowns(name: str, unknown: torch.Tensor, unknown_as: str) -> None:
    """Log how many (B, C) entries of a batch are unknown and their rule."""
    MMLogger.get_current_instance().info(
        f'{name}: first batch has {int(unknown.sum())} unknown (-1) target '
        f"entries of {unknown.numel()}; unknown_as='{unknown_as}'")


class MLCLossBase(nn.Module):
    """Base class of element-wise multi-label losses (conventions §4).

    Subclasses implement :meth:`elementwise_loss`, which gets float32 logits
    ``z`` (B, C), the resolved binary target ``y`` (B, C) and the observed
    target ``t`` (B, C) in {1, 0, -1}, and returns a (B, C) loss. The base
    class resolves unknowns, applies the mask ``M = expand(weight) *
    m_unknown``, reduces and multiplies by ``loss_weight``.

    Unknown (-1) entries are resolved by ``unknown_as``:

    - ``'ignore'``: masked out (zero loss and zero gradient).
    - ``'negative'``: treated as 0 with weight 1.
    - ``'error'``: any -1 raises.
    - a method-specific mode listed in ``extra_unknown_modes`` of the
      subclass, which then handles ``t == -1`` itself.

    Args:
        reduction (str): ``'none'``, ``'sum'``, ``'mean'`` (sum over the
            number of entries with ``M > 0``, or over ``avg_factor``) or
            ``'batchmean'`` (sum / B).
        loss_weight (float): Multiplier of the reduced loss.
        unknown_as (str, optional): Treatment of -1 entries; defaults to the
            class attribute ``default_unknown_as`` (the paper's choice).
    """

    default_unknown_as: str = 'ignore'
    extra_unknown_modes: Tuple[str, ...] = ()

    def __init__(self,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None) -> None:
        super().__init__()
        unknown_as = unknown_as or self.default_unknown_as
        modes = ('ignore', 'negative', 'error') + self.extra_unknown_modes
        if unknown_as not in modes:
            raise ValueError(f'{type(self).__name__}: unknown_as must be one '
                             f'of {modes}, got {unknown_as!r}')
        if reduction not in REDUCTIONS:
            raise ValueError(f'{type(self).__name__}: reduction must be one '
                             f'of {REDUCTIONS}, got {reduction!r}')
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.unknown_as = unknown_as
        self._logged = False

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """Per-entry loss (B, C) before masking and reduction."""
        raise NotImplementedError

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **ctx) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (Tensor): (B, C) logits (half precision is computed
                in float32, float64 stays float64).
            target (Tensor): (B, C) observed targets in {1, 0, -1}.
            weight (Tensor, optional): (B,) or (B, C) non-negative weights.
            avg_factor (float, optional): Denominator of ``'mean'``.
            reduction_override (str, optional): Overrides ``reduction``.
            **ctx: Method inputs (``epoch``, ``sample_idx``, ...).

        Returns:
            Tensor: Scalar, or (B, C) with ``reduction='none'``.
        """
        reduction = reduction_override or self.reduction
        if reduction not in REDUCTIONS:
            raise ValueError(f'{type(self).__name__}: reduction must be one '
                             f'of {REDUCTIONS}, got {reduction!r}')
        # half-precision logits are computed in float32; float64 is kept so
        # that gradients can be checked numerically
        z = cls_score if cls_score.dtype == torch.float64 else cls_score.float()
        t = target.to(z)
        check_loss_inputs(type(self).__name__, z, t, weight, self.unknown_as)
        unknown = t == -1
        if not self._logged:
            self._logged = True
            log_unknowns(type(self).__name__, unknown, self.unknown_as)
        y = (t == 1).to(z)
        loss = self.elementwise_loss(z, y, t, **ctx)
        mask = self._mask(t, unknown, weight)
        if mask is not None:
            loss = loss * mask
        return self.loss_weight * self._reduce(loss, mask, reduction,
                                               avg_factor)

    def _mask(self, t: torch.Tensor, unknown: torch.Tensor,
              weight: Optional[torch.Tensor]) -> Optional[torch.Tensor]:
        """(B, C) mask M = expand(weight) * m_unknown, or None for all-ones."""
        mask = None
        if self.unknown_as == 'ignore' and unknown.any():
            mask = (~unknown).to(t)
        if weight is not None:
            weight = weight.to(t)
            weight = weight[:, None] if weight.dim() == 1 else weight
            mask = weight.expand_as(t) if mask is None else mask * weight
        return mask

    @staticmethod
    def _reduce(loss: torch.Tensor, mask: Optional[torch.Tensor],
                reduction: str, avg_factor: Optional[float]) -> torch.Tensor:
        if reduction == 'none':
            return loss
        total = loss.sum()
        if reduction == 'sum':
            return total
        if reduction == 'batchmean':
            return total / loss.shape[0]
        if avg_factor is not None:
            return total / avg_factor
        count = loss.numel() if mask is None else int((mask > 0).sum())
        return total / max(count, 1)
