"""Focal-loss baseline of the missing-label papers (no alpha balancing)."""
import torch

from mlc.registry import MODELS
from .masked_asl_loss import MaskedASLLoss, masked_asl_loss
from .masked_loss import masked_loss


@masked_loss(reduction='sum', unknown_as='negative')
def masked_focal_loss(z: torch.Tensor,
                      t: torch.Tensor,
                      gamma: float = 2.0,
                      eps: float = 1e-8,
                      detach_focal: bool = True) -> torch.Tensor:
    """Symmetric focal loss (see :class:`MaskedFocalLoss`): ASL with
    ``gamma_pos = gamma_neg = gamma`` and no clip; no input validation.

    Args:
        gamma (float): Focusing exponent of both terms. Defaults to 2.0.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        detach_focal (bool): Detach the focal weights. Defaults to True.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    # ASL's element-wise core (masked_loss keeps it as __wrapped__)
    return masked_asl_loss.__wrapped__(z, t, gamma, gamma, 0., eps,
                                       detach_focal)


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
