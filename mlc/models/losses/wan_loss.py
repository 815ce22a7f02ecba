"""WAN ("weak assume negative") loss (arXiv 2106.09708)."""
from typing import Optional

import torch
import torch.nn.functional as F

from mlc.registry import MODELS
from .masked_loss import masked_loss
from .mlc_loss_base import MLCLossBase, flip_sign, prob_of_target


@masked_loss(reduction='mean', unknown_as='weak_negative')
def wan_loss(z: torch.Tensor,
             t: torch.Tensor,
             weak_weight: Optional[float] = None,
             eps: Optional[float] = 1e-5,
             *,
             unknown_as: str) -> torch.Tensor:
    """WAN loss (see :class:`WANLoss`; no input validation).

    Args:
        weak_weight (float, optional): Weight ``w`` of unknown entries;
            None uses ``1 / (C - 1)``.
        eps (float, optional): Added inside the logs; None gives the exact
            loss from logits. Defaults to 1e-5.
        unknown_as (str): ``'weak_negative'`` (default), ``'negative'`` or
            ``'ignore'``.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    y = t.clamp(min=0)
    weak = unknown_as == 'weak_negative'
    if eps is None:
        loss = F.softplus(z * flip_sign(y))  # exact -log p_t from logits
        return loss * _weak_weight(z, t, weak_weight, 1.) if weak else loss
    # the sign of the loss goes on the (no-grad) weight
    log = (prob_of_target(z, y) + eps).log()
    return log * _weak_weight(z, t, weak_weight, -1.) if weak else -log


def _weak_weight(z: torch.Tensor, t: torch.Tensor, w: Optional[float],
                 sign: float) -> torch.Tensor:
    """(B, C) ``sign * w`` on unknowns, ``sign`` elsewhere (``w`` None:
    ``1 / (C - 1)``)."""
    if w is None:
        if z.shape[1] < 2:
            raise ValueError('WANLoss: w = 1/(C-1) needs C >= 2 classes; '
                             'set weak_weight')
        w = 1. / (z.shape[1] - 1)
    # min(t, 0) is -1 on unknowns and 0 elsewhere (t in {1, 0, -1})
    return t.clamp(max=0).mul_(sign * (1 - w)).add_(sign)


@MODELS.register_module()
class WANLoss(MLCLossBase):
    """BCE with unknowns as negatives of weight ``w`` (default 1/(C-1)).

    ``-[1[t=1] log p + w 1[t=-1] log(1-p) + 1[t=0] log(1-p)]``: observed
    negatives keep weight 1 (project choice; the single-positive setting of
    the paper has none). The defaults are the authors' code (``loss_wan``
    of ``elijahcole/single-positive-multi-label``): each log is
    ``log(p_t + eps)`` with ``p_t = p`` on positives and ``1 - p``
    otherwise, computed from ``p = sigmoid(z)`` with ``eps = 1e-5`` (entries
    capped near ``-log(eps) = 11.5``), and the loss is the mean over the
    B x C entries. ``eps=None`` computes the exact log from logits.

    Args:
        weak_weight (float, optional): Weight ``w`` of unknown entries;
            ``None`` (default) uses ``1 / (C - 1)``.
        eps (float, optional): Added inside the logs; defaults to 1e-5
            (the authors'); None gives the exact loss.
        **base_args: ``reduction`` (default ``'mean'``, over the B x C
            entries, the authors'), ``loss_weight`` and ``unknown_as``
            (``'weak_negative'`` by default, ``'negative'``: plain BCE,
            ``'ignore'`` or ``'error'``): see :class:`MLCLossBase`.
    """

    default_unknown_as = 'weak_negative'
    unknown_modes = MLCLossBase.unknown_modes + ('weak_negative', )
    functional = staticmethod(wan_loss)
    hyper_parameters = ('weak_weight', 'eps')

    def __init__(self,
                 weak_weight: Optional[float] = None,
                 eps: Optional[float] = 1e-5,
                 **base_args) -> None:
        super().__init__(**base_args)
        if weak_weight is not None and weak_weight < 0:
            raise ValueError(f'WANLoss: weak_weight must be >= 0, got '
                             f'{weak_weight}')
        if eps is not None and not 0 < eps < 1:
            raise ValueError(f'WANLoss: eps must be in (0, 1) or None, got '
                             f'{eps}')
        self.weak_weight = weak_weight
        self.eps = eps
