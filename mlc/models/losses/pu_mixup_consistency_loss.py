"""MixUp consistency term of PU-MLC (arXiv 2306.16016)."""
from typing import Optional, Tuple

import torch
import torch.nn as nn

from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from .mlc_loss_base import check_values_now

MIX_REDUCTIONS = ('none', 'sum', 'mean', 'batchmean')


def pu_mixup_consistency_loss(pred: torch.Tensor,
                              target: torch.Tensor,
                              weight: Optional[torch.Tensor] = None,
                              eps: float = 1e-10,
                              reduction: str = 'batchmean',
                              avg_factor: Optional[float] = None
                              ) -> torch.Tensor:
    """``[log(t + eps) - log(sigmoid(z) + eps)] ** 2`` per entry (see
    :class:`PUMixupConsistencyLoss`; no input validation).

    Args:
        pred (Tensor): (B', C) logits of the mixed batch (half precision is
            computed in float32).
        target (Tensor): (B', C) mixed soft targets in [0, 1].
        weight (Tensor, optional): (B',) or (B', C) non-negative weights.
        eps (float): Added inside both logs. Defaults to 1e-10.
        reduction (str): ``'batchmean'`` (sum / B', default), ``'sum'``,
            ``'mean'`` (over the entries with weight > 0, or /
            ``avg_factor``) or ``'none'``.
        avg_factor (float, optional): Denominator of ``'mean'``.

    Returns:
        Tensor: Scalar, or (B', C) with ``reduction='none'``.
    """
    z = pred if pred.dtype == torch.float64 else pred.float()
    target = target.to(z)
    loss = (torch.log(target + eps) - torch.log(torch.sigmoid(z) + eps))**2
    count = max(loss.numel(), 1)
    if weight is not None:
        weight = weight.to(z)
        weight = weight[:, None] if weight.dim() == 1 else weight
        loss = loss * weight
        # a device tensor: no host-device sync
        count = (weight.expand_as(z) > 0).sum().clamp(min=1)
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'batchmean':
        return loss.sum() / max(z.shape[0], 1)
    return loss.sum() / (avg_factor or count)


@MODELS.register_module()
class PUMixupConsistencyLoss(nn.Module):
    """Squared log-ratio between mixed soft targets and mixed predictions.

    The model (``PUMLCClassifier``) builds the second batch with
    :meth:`soft_targets` and :meth:`mix`, runs the second forward pass and
    calls this loss on its logits:
    ``[log(t_mix + 1e-10) - log(sigmoid(z_mix) + 1e-10)] ** 2`` per entry,
    summed over classes and averaged over the mixed batch (``'batchmean'``;
    :func:`pu_mixup_consistency_loss`).

    Args:
        mix_alpha (float): Beta(alpha, alpha) parameter of lambda. 0.3.
        detach_mix_targets (bool): Stop the gradient of the soft targets
            ``sigmoid(z)`` of the main logits. Default False (the code).
        reduction (str): ``'batchmean'`` (paper: sum / B_mix), ``'sum'``,
            ``'mean'`` (per entry, or / ``avg_factor``) or ``'none'``.
        loss_weight (float): Weight of this term in the total loss.
            Defaults to 1.0.
        eps (float): Added inside both logs. Defaults to 1e-10.
    """

    def __init__(self,
                 mix_alpha: float = 0.3,
                 detach_mix_targets: bool = False,
                 reduction: str = 'batchmean',
                 loss_weight: float = 1.0,
                 eps: float = 1e-10) -> None:
        super().__init__()
        if reduction not in MIX_REDUCTIONS:
            raise ValueError(f'{type(self).__name__}: reduction must be one '
                             f'of {MIX_REDUCTIONS}, got {reduction!r}')
        if mix_alpha <= 0:
            raise ValueError(f'{type(self).__name__}: mix_alpha must be > 0')
        self.mix_alpha = mix_alpha
        self.detach_mix_targets = detach_mix_targets
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.eps = eps
        self._checked = False

    def soft_targets(self, cls_score: torch.Tensor,
                     target: torch.Tensor) -> torch.Tensor:
        """(B, C) targets: 1 on observed positives, else sigmoid(logit).

        Observed negatives and unknowns are both "unlabeled" for PU-MLC.
        """
        name = type(self).__name__
        if cls_score.shape != target.shape or cls_score.dim() != 2:
            raise ValueError(f'{name}: logits {tuple(cls_score.shape)} and '
                             f'targets {tuple(target.shape)} must both be '
                             '(B, C)')
        prob = torch.sigmoid(cls_score.float() if cls_score.dtype !=
                             torch.float64 else cls_score)
        if self.detach_mix_targets:
            prob = prob.detach()
        return torch.where(target == 1, torch.ones_like(prob), prob)

    def mix(self, inputs: torch.Tensor, soft_target: torch.Tensor
            ) -> Tuple[torch.Tensor, torch.Tensor, float]:
        """Mix a random permutation of the first half into the second half.

        ``X1`` = the first ``B // 2`` samples, ``X2`` = the last ``B // 2``
        (odd B: the middle sample is unused); one lambda ~ Beta(alpha,
        alpha) per batch; ``x_mix = lam * X1[perm] + (1 - lam) * X2``,
        targets likewise. Uses torch's global RNG (seeded by the runner).

        Args:
            inputs (Tensor): (B, ...) normalised inputs.
            soft_target (Tensor): (B, C) from :meth:`soft_targets`.

        Returns:
            tuple: (B // 2, ...) mixed inputs, (B // 2, C) mixed targets and
            lambda.
        """
        half = inputs.shape[0] // 2
        if half == 0:
            raise ValueError(f'{type(self).__name__}: mixing needs a batch '
                             'of at least 2 samples')
        beta = torch.distributions.Beta(
            torch.tensor(float(self.mix_alpha)),
            torch.tensor(float(self.mix_alpha)))
        lam = float(beta.sample())
        # drawn on the host generator (as before); copied without waiting
        perm = torch.randperm(half).to(inputs.device, non_blocking=True)
        tail = inputs.shape[0] - half
        x_mix = lam * inputs[:half][perm] + (1 - lam) * inputs[tail:]
        t_mix = (lam * soft_target[:half][perm] +
                 (1 - lam) * soft_target[tail:])
        return x_mix, t_mix, lam

    def forward(self,
                mix_score: torch.Tensor,
                mix_target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **ctx) -> torch.Tensor:
        """Consistency of (B', C) mixed logits with (B', C) soft targets.

        Args:
            mix_score (Tensor): Logits of the mixed batch.
            mix_target (Tensor): Mixed soft targets in [0, 1].
            weight (Tensor, optional): (B',) or (B', C) non-negative.

        Returns:
            Tensor: Scalar, or (B', C) with ``'none'``.
        """
        name = type(self).__name__
        reduction = reduction_override or self.reduction
        check_choice(name, 'reduction', reduction, MIX_REDUCTIONS)
        z = mix_score
        if z.dtype != torch.float64:
            z = z.float()  # half precision is computed in float32
        if z.dim() != 2 or z.shape != mix_target.shape:
            raise ValueError(f'{name}: logits {tuple(z.shape)} and targets '
                             f'{tuple(mix_target.shape)} must both be (B, C)')
        target = mix_target.to(z)
        if weight is not None and weight.shape not in (z.shape[:1], z.shape):
            raise ValueError(f'{name}: weight must be non-negative, (B,) '
                             f'or (B, C), got {tuple(weight.shape)}')
        # values on the first call only (MLC_CHECK_LOSS_INPUTS=1: always):
        # no host-device sync in later steps
        if check_values_now(self._checked):
            self._check_values(z, target, weight)
            self._checked = True
        return self.loss_weight * pu_mixup_consistency_loss(
            z, target, weight, self.eps, reduction, avg_factor)

    def _check_values(self, z: torch.Tensor, target: torch.Tensor,
                      weight: Optional[torch.Tensor]) -> None:
        """Finite logits, targets in [0, 1], non-negative weights."""
        name = type(self).__name__
        if not torch.isfinite(z).all():
            raise ValueError(f'{name}: logits contain NaN or Inf')
        if not ((target >= 0) & (target <= 1)).all():  # NaN fails too
            raise ValueError(f'{name}: mixed soft targets must be in [0, 1]')
        if weight is not None and (weight < 0).any():
            raise ValueError(f'{name}: weight must be non-negative, (B,) '
                             f'or (B, C), got {tuple(weight.shape)}')
