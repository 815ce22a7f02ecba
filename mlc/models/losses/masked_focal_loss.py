"""Focal-loss baseline of the missing-label papers (no alpha balancing)."""
from typing import Optional

import torch

from mlc.registry import MODELS
from .masked_asl_loss import MaskedASLLoss, masked_asl_loss


def masked_focal_loss(pred: torch.Tensor,
                      target: torch.Tensor,
                      weight: Optional[torch.Tensor] = None,
                      gamma: float = 2.0,
                      eps: float = 1e-8,
                      detach_focal: bool = True,
                      reduction: str = 'sum',
                      avg_factor: Optional[float] = None,
                      unknown_as: str = 'negative') -> torch.Tensor:
    """Symmetric focal loss (see :class:`MaskedFocalLoss`): ASL with
    ``gamma_pos = gamma_neg = gamma`` and no clip; no input validation.

    Args:
        gamma (float): Focusing exponent of both terms. Defaults to 2.0.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        detach_focal (bool): Detach the focal weights. Defaults to True.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    return masked_asl_loss(pred, target, weight, gamma, gamma, 0., eps,
                           detach_focal, reduction, avg_factor, unknown_as)


@MODELS.register_module()
class MaskedFocalLoss(MaskedASLLoss):
    """Symmetric focal loss in the ASL form (``gamma_pos = gamma_neg``).

    ``-[y (1-p)^gamma log p + (1-y) p^gamma log(1-p)]`` with logs clamped at
    ``eps``, no probability clip and detached focal weights (the Hill/SPLC
    code runs its focal baseline through ASL, whose default detaches). Unlike
    mmpretrain's ``FocalLoss`` there is no alpha (0.25) balancing.

    Args:
        gamma (float): Focusing exponent of both terms. Defaults to 2.0.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        detach_focal (bool): Detach the focal weights. Defaults to True.
        **base_args: As :class:`MaskedASLLoss`.
    """

    def __init__(self,
                 gamma: float = 2.0,
                 eps: float = 1e-8,
                 detach_focal: bool = True,
                 **base_args) -> None:
        super().__init__(gamma_pos=gamma, gamma_neg=gamma, clip=0., eps=eps,
                         detach_focal=detach_focal, **base_args)
