"""Asymmetric loss (ASL, arXiv 2009.14119) with the {1, 0, -1} convention."""
from typing import Optional

import torch

from mlc.registry import MODELS
from .mlc_loss_base import MLCLossBase


@MODELS.register_module()
class MaskedASLLoss(MLCLossBase):
    """Asymmetric loss with masked unknowns and (B, C) weights.

    Per entry (``p = sigmoid(z)``; on negatives the shifted probability
    ``p_m = max(p - clip, 0)``, computed as
    ``1 - p_m = min(1 - p + clip, 1)``)::

        positive: -(1 - p) ** gamma_pos * log(max(p, eps))
        negative: -p_m ** gamma_neg * log(max(1 - p_m, eps))

    The focal factors are detached with ``.detach()`` when ``detach_focal``
    (the official code's default, which toggles grad mode instead).
    mmpretrain's ``AsymmetricLoss`` has the same forward with undetached
    factors but takes only (B,) weights and mis-handles -1 targets.

    Args:
        gamma_pos (float): Positive focusing exponent. Defaults to 1.0
            (class default of the official code; the COCO recipe uses 0).
        gamma_neg (float): Negative focusing exponent. Defaults to 4.0.
        clip (float): Probability shift of negatives. Defaults to 0.05.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        detach_focal (bool): Detach the focal factors. Defaults to True.
        reduction (str): Defaults to ``'sum'`` (the paper's).
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str, optional): ``'negative'`` (default), ``'ignore'``
            or ``'error'``.
    """

    default_unknown_as = 'negative'

    def __init__(self,
                 gamma_pos: float = 1.0,
                 gamma_neg: float = 4.0,
                 clip: float = 0.05,
                 eps: float = 1e-8,
                 detach_focal: bool = True,
                 reduction: str = 'sum',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        if clip < 0:
            raise ValueError(f'{type(self).__name__}: clip must be >= 0, '
                             f'got {clip}')
        self.gamma_pos = gamma_pos
        self.gamma_neg = gamma_neg
        self.clip = clip
        self.eps = eps
        self.detach_focal = detach_focal

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) asymmetric loss of logits ``z`` against targets ``y``."""
        p = torch.sigmoid(z)
        q = 1 - p  # probability of the negative outcome
        if self.clip > 0:
            q = (q + self.clip).clamp(max=1)
        pos = y > 0
        # probability of the observed outcome and the focal weight
        pt = torch.where(pos, p, q)
        weight = self._focal(1 - pt, pos)
        loss = -pt.clamp(min=self.eps).log()
        return loss if weight is None else weight * loss

    def _focal(self, base: torch.Tensor,
               pos: torch.Tensor) -> Optional[torch.Tensor]:
        """``base ** gamma_pos|neg`` (None if both are 0), detached if
        ``detach_focal``."""
        if self.gamma_pos == 0 and self.gamma_neg == 0:
            return None
        if self.gamma_pos == self.gamma_neg:
            weight = base.pow(self.gamma_pos)
        else:
            weight = torch.where(pos, base.pow(self.gamma_pos),
                                 base.pow(self.gamma_neg))
        return weight.detach() if self.detach_focal else weight
