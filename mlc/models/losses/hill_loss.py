"""Hill loss for multi-label learning with missing labels (2112.07368)."""
import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .masked_loss import masked_loss
from .mlc_loss_base import SumNegativeLossBase


@masked_loss(reduction='sum', unknown_as='negative')
def hill_loss(z: torch.Tensor,
              t: torch.Tensor,
              lamb: float = 1.5,
              margin: float = 1.0,
              gamma: float = 2.0) -> torch.Tensor:
    """Hill loss (see :class:`HillLoss`; no input validation).

    Args:
        lamb (float): Hill position lambda. Defaults to 1.5.
        margin (float): Logit margin of positives. Defaults to 1.0.
        gamma (float): Focusing exponent of positives. Defaults to 2.0.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    # with a = margin - z: 1 - p_m = sigmoid(a), -log p_m = softplus(a)
    a = torch.rsub(z, margin)
    pos = torch.sigmoid(a).pow(gamma) * F.softplus(a)
    p = torch.sigmoid(z)
    neg = torch.rsub(p, lamb) * p * p
    # lerp with a 0/1 weight selects exactly (faster than where)
    return torch.lerp(neg, pos, t.clamp(min=0))


@MODELS.register_module()
class HillLoss(SumNegativeLossBase):
    """Hill loss: focal-margin positives, hill-shaped negatives.

    Per entry (``p = sigmoid(z)``, ``p_m = sigmoid(z - margin)``)::

        positive: -(1 - p_m) ** gamma * log(p_m)   (focal weight not detached)
        negative: (lamb - p) * p ** 2

    The negative term rises from 0 to ``lamb - 1`` on p in [0, 1] and its
    gradient ``p^2 (1 - p)(2 lamb - 3p)`` is small for confident predictions,
    so likely false negatives (missing positives stored as unknowns and
    treated as negatives, the paper's choice) are down-weighted.
    ``-log(p_m)`` is computed as ``softplus(margin - z)`` (= ``-logsigmoid``;
    the official code's ``log(sigmoid)`` underflows to ``-inf`` for very
    negative logits).

    Args:
        lamb (float): Hill position lambda. Defaults to 1.5.
        margin (float): Logit margin of positives. Defaults to 1.0.
        gamma (float): Focusing exponent of positives. Defaults to 2.0.
        **base_args: ``reduction``, ``loss_weight`` and ``unknown_as``
            (see :class:`SumNegativeLossBase`).
    """

    functional = staticmethod(hill_loss)
    hyper_parameters = ('lamb', 'margin', 'gamma')

    def __init__(self,
                 lamb: float = 1.5,
                 margin: float = 1.0,
                 gamma: float = 2.0,
                 **base_args) -> None:
        super().__init__(**base_args)
        self.lamb = lamb
        self.margin = margin
        self.gamma = gamma
