"""Asymmetric loss (ASL, arXiv 2009.14119) with the {1, 0, -1} convention."""
from typing import Optional

import torch

from mlc.registry import MODELS
from .masked_loss import masked_loss
from .mlc_loss_base import SumNegativeLossBase, prob_of_target


@masked_loss(reduction='sum', unknown_as='negative')
def masked_asl_loss(z: torch.Tensor,
                    t: torch.Tensor,
                    gamma_pos: float = 1.0,
                    gamma_neg: float = 4.0,
                    clip: float = 0.05,
                    eps: float = 1e-8,
                    detach_focal: bool = True) -> torch.Tensor:
    """Asymmetric loss with the {1, 0, -1} convention (see
    :class:`MaskedASLLoss`; no input validation).

    Args:
        gamma_pos (float): Positive focusing exponent. Defaults to 1.0.
        gamma_neg (float): Negative focusing exponent. Defaults to 4.0.
        clip (float): Probability shift of negatives (>= 0). Defaults to
            0.05.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        detach_focal (bool): Detach the focal factors. Defaults to True.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    y = t.clamp(min=0)
    # probability of the observed outcome (p or 1 - p), on negatives
    # shifted by clip and capped at 1. One clamp caps it at 1 and at eps
    # (where the focal base 1 - p_t is 1 - eps instead of 1 - p_t: the
    # same number in float32)
    neg = torch.rsub(y, 1)
    pt = prob_of_target(z, y, neg)
    if clip > 0:
        pt = pt + clip * neg
    pt = pt.clamp(eps, 1)
    focal = _focal(torch.rsub(pt.detach() if detach_focal else pt, 1), y,
                   neg, gamma_pos, gamma_neg)
    if focal is None:
        return -pt.log()
    # the sign goes on the (usually detached) weight
    return pt.log() * (focal.neg_() if detach_focal else -focal)


def _focal(base: torch.Tensor, y: torch.Tensor, neg: torch.Tensor,
           gamma_pos: float, gamma_neg: float) -> Optional[torch.Tensor]:
    """(B, C) ``base ** gamma_pos`` on positives (``y`` 1), ``**
    gamma_neg`` on negatives (``neg`` = 1 - y), None if both are 0;
    detached if ``base`` is. Float masks, no ``where`` (several times faster
    on the CPU)."""
    gp, gn = gamma_pos, gamma_neg
    if gp == 0 and gn == 0:
        return None
    if gp == gn:
        return power(base, gp)
    if gp == 0:  # x ** 0 = 1 on positives
        return power(base, gn) * neg + y
    if gn == 0:
        return power(base, gp) * y + neg
    return power(base, gp) * y + power(base, gn) * neg


@MODELS.register_module()
class MaskedASLLoss(SumNegativeLossBase):
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
        **base_args: ``reduction``, ``loss_weight`` and ``unknown_as``
            (see :class:`SumNegativeLossBase`).
    """

    functional = staticmethod(masked_asl_loss)
    hyper_parameters = ('gamma_pos', 'gamma_neg', 'clip', 'eps',
                        'detach_focal')

    def __init__(self,
                 gamma_pos: float = 1.0,
                 gamma_neg: float = 4.0,
                 clip: float = 0.05,
                 eps: float = 1e-8,
                 detach_focal: bool = True,
                 **base_args) -> None:
        super().__init__(**base_args)
        if clip < 0:
            raise ValueError(f'{type(self).__name__}: clip must be >= 0, '
                             f'got {clip}')
        self.gamma_pos = gamma_pos
        self.gamma_neg = gamma_neg
        self.clip = clip
        self.eps = eps
        self.detach_focal = detach_focal


def power(x: torch.Tensor, exponent: float) -> torch.Tensor:
    """``x ** exponent``; 4 as two squarings (``pow(x, 4.)`` takes the
    generic, several times slower path on the CPU)."""
    if exponent == 4:
        return x.square().square()
    return x.pow(exponent)
