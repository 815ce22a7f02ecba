"""RECORDS-style prior adjustment of multi-label pseudo-label thresholds
(a project extension, off by default; configs/pll/README.md)."""
from typing import Optional

import torch
import torch.nn as nn

from mlc.utils.dist import all_reduce_sum
from .lazy_buffers import resize_buffers_from


class PriorAdjustedThreshold(nn.Module):
    """Per-class logit offsets that lower pseudo-labelling thresholds of rare
    classes and raise those of frequent ones.

    π̂ is an EMA (momentum m, first update = the batch value) of the batch
    mean of σ(z) on detached outputs (the output route of CSL's
    ``ComputePrior``), synchronised over ranks. A pseudo-label test
    ``σ(z_k) > τ`` becomes ``σ(z_k − δ_k) > τ`` with
    ``δ_k = τ_d · (logit π̂_k − logit π̄)``, π̄ = mean_k π̂_k. It never changes
    the loss itself, and cannot change per-class AP (a per-class shift).

    Buffers (saved in checkpoints): ``prior`` (C,), ``num_updates`` ().

    Args:
        tau_d (float): Strength τ_d in [0, 1]. Defaults to 0.5.
        momentum (float): EMA momentum m. Defaults to 0.9.
        sync (bool): all_reduce the batch sums over ranks. Defaults to True.
    """

    def __init__(self, tau_d: float = 0.5, momentum: float = 0.9,
                 sync: bool = True) -> None:
        super().__init__()
        if not 0 <= tau_d <= 1:
            raise ValueError(f'PriorAdjustedThreshold: tau_d must be in '
                             f'[0, 1], got {tau_d}')
        self.tau_d, self.momentum, self.sync = tau_d, momentum, sync
        self.register_buffer('prior', torch.zeros(0))
        self.register_buffer('num_updates', torch.zeros((), dtype=torch.long))

    @torch.no_grad()
    def update(self, logits: torch.Tensor) -> None:
        """EMA update from (B, C) logits."""
        probs = torch.sigmoid(logits.detach().float())
        sums = torch.cat([probs.sum(0), probs.new_tensor([probs.shape[0]])])
        if self.sync:
            all_reduce_sum(sums)
        batch = sums[:-1] / sums[-1].clamp_min(1)
        if int(self.num_updates) == 0 or self.prior.numel() != batch.numel():
            self.prior = batch.to(self.prior.device)
        else:
            self.prior.mul_(self.momentum).add_((1 - self.momentum) * batch)
        self.num_updates += 1

    def step(self, logits: torch.Tensor) -> torch.Tensor:
        """(C,) offsets δ for the (B, C) ``logits`` of a loss call: after an
        EMA update from them in training mode, without one in eval mode."""
        if self.training:
            self.update(logits)
        return self.offset()

    def offset(self) -> torch.Tensor:
        """(C,) logit offsets δ (zeros before the first update)."""
        if self.prior.numel() == 0:
            return self.prior.new_zeros(0)
        pi = self.prior.clamp(1e-6, 1 - 1e-6)
        logit = torch.log(pi / (1 - pi))
        mean = pi.mean()
        return self.tau_d * (logit - torch.log(mean / (1 - mean)))

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        resize_buffers_from(self, state_dict, prefix, ('prior', ))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def build_prior_threshold(cfg: Optional[dict]
                          ) -> Optional[PriorAdjustedThreshold]:
    """The :class:`PriorAdjustedThreshold` of a loss's ``prior_adjust``
    option (its keyword arguments), None when the option is off (None)."""
    return None if cfg is None else PriorAdjustedThreshold(**cfg)
