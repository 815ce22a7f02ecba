"""Hill loss for multi-label learning with missing labels (2112.07368)."""
from typing import Optional

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .mlc_loss_base import MLCLossBase


@MODELS.register_module()
class HillLoss(MLCLossBase):
    """Hill loss: focal-margin positives, hill-shaped negatives.

    Per entry (``p = sigmoid(z)``, ``p_m = sigmoid(z - margin)``)::

        positive: -(1 - p_m) ** gamma * log(p_m)   (focal weight not detached)
        negative: (lamb - p) * p ** 2

    The negative term rises from 0 to ``lamb - 1`` on p in [0, 1] and its
    gradient ``p^2 (1 - p)(2 lamb - 3p)`` is small for confident predictions,
    so likely false negatives (missing positives stored as unknowns and
    treated as negatives, the paper's choice) are down-weighted.
    ``log(p_m)`` is computed with ``logsigmoid`` (the official code's
    ``log(sigmoid)`` underflows to ``-inf`` for very negative logits).

    Args:
        lamb (float): Hill position lambda. Defaults to 1.5.
        margin (float): Logit margin of positives. Defaults to 1.0.
        gamma (float): Focusing exponent of positives. Defaults to 2.0.
        reduction (str): Defaults to ``'sum'`` (the paper's).
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str, optional): ``'negative'`` (default), ``'ignore'``
            or ``'error'``.
    """

    default_unknown_as = 'negative'

    def __init__(self,
                 lamb: float = 1.5,
                 margin: float = 1.0,
                 gamma: float = 2.0,
                 reduction: str = 'sum',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        self.lamb = lamb
        self.margin = margin
        self.gamma = gamma

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) Hill loss of logits ``z`` against binary targets ``y``."""
        z_m = z - self.margin
        pos = -torch.sigmoid(-z_m).pow(self.gamma) * F.logsigmoid(z_m)
        p = torch.sigmoid(z)
        neg = (self.lamb - p) * p * p
        return torch.where(y > 0, pos, neg)
