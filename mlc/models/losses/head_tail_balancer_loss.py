"""COMIC's Head-Tail Balancer loss (HTB, paper Eq. 11)."""
from typing import Callable, Dict, Tuple

import torch
import torch.nn as nn

from mlc.registry import MODELS
from ..utils.autocast_off import autocast_off


def head_tail_balancer_loss(
        z_head: torch.Tensor, z_tail: torch.Tensor, z_bal: torch.Tensor,
        target: torch.Tensor,
        loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
        alpha: float = 2.) -> Tuple[torch.Tensor, torch.Tensor]:
    """COMIC's Head-Tail Balancer loss (see :class:`HeadTailBalancerLoss`).

    Args:
        z_head (Tensor): (B, C) TDE-adjusted head-branch logits ẑ_h.
        z_tail (Tensor): (B, C) TDE-adjusted tail-branch logits ẑ_t.
        z_bal (Tensor): (B, C) balanced-branch logits z_b.
        target (Tensor): (B, C) observed targets in {1, 0, -1}.
        loss (callable): Multi-label loss ``loss(logits, target)`` returning
            a scalar (e.g. a :class:`MultiFocalModifierLoss`).
        alpha (float): Exponent α. Defaults to 2.

    Returns:
        tuple: the scalar loss (gradient to ``z_bal`` only) and the
        detached κ_h.
    """
    z_head, z_tail = z_head.detach(), z_tail.detach()
    kappa_h, kappa_t = balance_factors(loss(z_head, target),
                                       loss(z_tail, target), alpha)
    prob_bal = z_bal.softmax(dim=1)
    total = (kappa_h * loss(z_head.softmax(dim=1) * prob_bal, target) +
             kappa_t * loss(z_tail.softmax(dim=1) * prob_bal, target))
    return total, kappa_h


def balance_factors(loss_head: torch.Tensor, loss_tail: torch.Tensor,
                    alpha: float) -> Tuple[torch.Tensor, torch.Tensor]:
    """Detached () factors (κ_h, κ_t) from the () branch losses."""
    lh = loss_head.detach().clamp(min=0).pow(alpha)
    lt = loss_tail.detach().clamp(min=0).pow(alpha)
    kappa_h = lh / (lh + lt).clamp(min=1e-12)
    return kappa_h, 1 - kappa_h


@MODELS.register_module()
class HeadTailBalancerLoss(nn.Module):
    """Distil the head- and tail-branch class distributions into the
    balanced branch, weighted by how well each branch fits the labels.

    With ``L_h = loss(ẑ_h, t)``, ``L_t = loss(ẑ_t, t)`` and φ the softmax
    over classes::

        κ_h = L_h^α / (L_h^α + L_t^α),  κ_t = 1 - κ_h      (detached)
        L = κ_h loss(sg(φ(ẑ_h)) ⊙ φ(z_b), t) + κ_t loss(sg(φ(ẑ_t)) ⊙ φ(z_b), t)

    The products enter ``loss`` as logits (a sigmoid is applied again), as
    in the official code. Only ``z_b`` receives gradients. The computation
    is :func:`head_tail_balancer_loss`.

    Args:
        loss (dict): The multi-label loss (default MFM; its class
            statistics are set with the head's).
        alpha (float): Exponent α. Defaults to 2.
        loss_weight (float): Multiplier. Defaults to 1.0.
    """

    def __init__(self,
                 loss: Dict = dict(type='MultiFocalModifierLoss'),
                 alpha: float = 2.,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss = MODELS.build(loss)
        self.alpha = alpha
        self.loss_weight = loss_weight

    #: :func:`balance_factors` (κ_h, κ_t) from the branch losses
    balance_factors = staticmethod(balance_factors)

    def forward(self, z_head: torch.Tensor, z_tail: torch.Tensor,
                z_bal: torch.Tensor, target: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Compute L_htb.

        Args:
            z_head (Tensor): (B, C) TDE-adjusted head-branch logits ẑ_h.
            z_tail (Tensor): (B, C) TDE-adjusted tail-branch logits ẑ_t.
            z_bal (Tensor): (B, C) balanced-branch logits z_b.
            target (Tensor): (B, C) observed targets in {1, 0, -1}.

        Returns:
            tuple: the scalar loss and the detached κ_h.
        """
        with autocast_off(target):
            loss, kappa_h = head_tail_balancer_loss(z_head, z_tail, z_bal,
                                                    target, self.loss,
                                                    self.alpha)
        return self.loss_weight * loss, kappa_h
