"""MixUp consistency term of PU-MLC (arXiv 2306.16016)."""
from typing import Optional, Tuple

import torch

from mlc.registry import MODELS
from .mlc_loss_base import MultiLabelLossBase, check_loss_inputs


def pu_mixup_consistency_loss(pred: torch.Tensor,
                              target: torch.Tensor,
                              weight: Optional[torch.Tensor] = None,
                              eps: float = 1e-10,
                              reduction: Optional[str] = 'batchmean',
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
class PUMixupConsistencyLoss(MultiLabelLossBase):
    """Squared log-ratio between mixed soft targets and mixed predictions.

    The model (``PUMLCClassifier``) builds the second batch with
    :meth:`soft_targets` and :meth:`mix`, runs the second forward pass and
    calls this loss on its logits:
    ``[log(t_mix + 1e-10) - log(sigmoid(z_mix) + 1e-10)] ** 2`` per entry,
    summed over classes and averaged over the mixed batch (``'batchmean'``;
    :func:`pu_mixup_consistency_loss`).

    A :class:`MultiLabelLossBase` with soft targets
    (``target_values = 'soft'``): the checked ``forward`` refuses mixed
    targets outside [0, 1] on the first call, and there are no unknown
    entries (``unknown_as`` is ``'none'``, not an argument).

    Args:
        mix_alpha (float): Beta(alpha, alpha) parameter of lambda. 0.3.
        detach_mix_targets (bool): Stop the gradient of the soft targets
            ``sigmoid(z)`` of the main logits. Default False (the code).
        reduction (str, optional): ``'batchmean'`` (paper: sum / B_mix;
            also None), ``'sum'``, ``'mean'`` (per entry, or /
            ``avg_factor``) or ``'none'``.
        loss_weight (float): Weight of this term in the total loss.
            Defaults to 1.0.
        eps (float): Added inside both logs. Defaults to 1e-10.
    """

    default_reduction = 'batchmean'
    default_unknown_as = 'none'
    reductions = ('none', 'sum', 'mean', 'batchmean')
    unknown_modes = ('none', )
    target_values = 'soft'

    def __init__(self,
                 mix_alpha: float = 0.3,
                 detach_mix_targets: bool = False,
                 reduction: Optional[str] = 'batchmean',
                 loss_weight: float = 1.0,
                 eps: float = 1e-10) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight)
        if mix_alpha <= 0:
            raise ValueError(f'{type(self).__name__}: mix_alpha must be > 0')
        self.mix_alpha = mix_alpha
        self.detach_mix_targets = detach_mix_targets
        self.eps = eps

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`pu_mixup_consistency_loss` of the checked float logits
        ``z`` (B', C) of the mixed batch against its soft targets ``t``
        (B', C) in [0, 1]: a scalar, or (B', C) with ``'none'`` (before
        ``loss_weight``)."""
        return pu_mixup_consistency_loss(z, t, weight, self.eps, reduction,
                                         avg_factor)

    def soft_targets(self, cls_score: torch.Tensor,
                     target: torch.Tensor) -> torch.Tensor:
        """(B, C) targets: 1 on observed positives, else sigmoid(logit).

        Observed negatives and unknowns are both "unlabeled" for PU-MLC.
        """
        check_loss_inputs(type(self).__name__, cls_score, target, None,
                          self.unknown_as, values=False)
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
