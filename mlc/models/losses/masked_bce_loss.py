"""Binary cross-entropy with the {1, 0, -1} label convention."""
from typing import Optional

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .masked_loss import masked_loss
from .mlc_loss_base import MLCLossBase, flip_sign, prob_of_target


@masked_loss(reduction='mean', unknown_as='negative')
def masked_bce_loss(z: torch.Tensor,
                    t: torch.Tensor,
                    eps: Optional[float] = None) -> torch.Tensor:
    """Sigmoid BCE with the {1, 0, -1} convention (see
    :class:`MaskedBCELoss`; no input validation).

    Args:
        eps (float, optional): Clamp of ``p_t`` inside the log; None
            computes the exact loss from logits.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    y = t.clamp(min=0)
    if eps is None:
        # -log p_t = softplus(-s z), s = 2y - 1 (the exact loss from
        # logits; faster on the CPU than binary_cross_entropy_with_logits)
        return F.softplus(z * flip_sign(y))
    return -prob_of_target(z, y).clamp(min=eps).log()


@MODELS.register_module()
class MaskedBCELoss(MLCLossBase):
    """Sigmoid binary cross-entropy, ``-[y log p + (1 - y) log(1 - p)]``.

    With ``eps=None`` (default) the exact loss, computed from logits
    (numerically stable). With a float ``eps``, the Hill/SPLC code's BCE
    (their ``AsymmetricLoss`` with no focusing and no clip):
    ``-log(max(p_t, eps))`` with ``p_t = p`` on positives and ``1 - p`` on
    negatives, computed from ``p = sigmoid(z)``; each entry is capped at
    ``-log(eps)`` (18.42 for 1e-8) and gets no gradient where capped.
    Unknown targets follow ``unknown_as`` (default ``'negative'``: the
    "assume negative" baseline of the missing-label papers).

    Args:
        eps (float, optional): Clamp of the probabilities inside the log;
            None (default) computes the exact loss.
        **base_args: ``reduction`` (default ``'mean'``), ``loss_weight``
            and ``unknown_as`` (``'negative'`` by default, ``'ignore'`` or
            ``'error'``): see :class:`MLCLossBase`.
    """

    default_unknown_as = 'negative'
    functional = staticmethod(masked_bce_loss)
    hyper_parameters = ('eps', )

    def __init__(self,
                 eps: Optional[float] = None,
                 **base_args) -> None:
        super().__init__(**base_args)
        if eps is not None and not 0 < eps < 1:
            raise ValueError(f'MaskedBCELoss: eps must be in (0, 1) or None, '
                             f'got {eps}')
        self.eps = eps
