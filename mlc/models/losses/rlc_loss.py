"""COMIC's Reflective Label Corrector loss (RLC, comic.md §3)."""
from typing import Optional

import torch
import torch.nn as nn
from mmengine.logging import MMLogger

from mlc.models.utils.prior_threshold import PriorAdjustedThreshold
from mlc.registry import MODELS
from mlc.utils.dist import all_reduce_sum
from .comic_class_stats import ArrayOrPath, frequency_weights, load_class_freq
from .mlc_loss_base import MLCLossBase

THRESHOLD_MODES = ('batch', 'running')
CORRECT_MODES = ('unknown_only', 'non_positive')


class RLCState(nn.Module):
    """Persistent state of one :class:`RLCLoss` (saved in checkpoints).

    Buffers:
        counts (Tensor): (C,) int64 dynamic class counts D.
        epoch (Tensor): () int64 epoch of the last reset of D (-1: never).
        running_threshold (Tensor): (C,) float running P_c.
        num_updates (Tensor): () int64 updates of ``running_threshold``.
    """

    def __init__(self, num_classes: int = 0) -> None:
        super().__init__()
        self.register_buffer('counts',
                             torch.zeros(num_classes, dtype=torch.long))
        self.register_buffer('epoch', torch.tensor(-1))
        self.register_buffer('running_threshold', torch.zeros(num_classes))
        self.register_buffer('num_updates', torch.tensor(0))

    def resize(self, num_classes: int) -> None:
        """Allocate (C,) buffers when C becomes known."""
        if self.counts.numel() != num_classes:
            device = self.counts.device
            self.counts = torch.zeros(num_classes, dtype=torch.long,
                                      device=device)
            self.running_threshold = torch.zeros(num_classes, device=device)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # a checkpoint may be loaded before the class counts are set
        key = prefix + 'counts'
        if key in state_dict:
            self.resize(state_dict[key].numel())
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


@MODELS.register_module()
class RLCLoss(MLCLossBase):
    """Class-aware threshold correction of missing labels plus a focal loss.

    With ``q = σ(z - margin · y)`` and the threshold ``P̄_c`` (mean of
    ``q[:, c]`` over the batch, or its running average)::

        ŷ = 1 where q > tau, q > P̄_c and the entry is correctable, else y
        D ← D + Σ_b (ŷ - y)_b       (D ← n at the first call of an epoch)
        ŵ_c = (1 - ln(D_c / max D)) ** weight_exponent
        q⁻ = min(1 - q + clip, 1);  pt = ŷ q + (1 - ŷ) q⁻
        γ = 0 where ŷ = 1, else γ⁻ + ŵ_c   (focal factor detached)
        ℓ = -(B / max(N⁺, 1)) ŵ_c (1 - pt)^γ [ŷ log q + (1 - ŷ) log q⁻]

    with N⁺ = Σ ŷ. Corrections live only in this loss (never written back
    to the dataset); the last batch's correction mask is kept in
    ``last_correction`` for logging. ``D`` and the epoch marker are buffers
    of the ``state`` submodule, synchronised over ranks.

    Args:
        class_freq (list | str, optional): Static counts n (C,); without
            them ŵ = 1 and D is not tracked (logged once).
        tau (float): Absolute threshold τ. Defaults to 0.7.
        margin (float): Margin on observed positives. Defaults to 1.0.
        clip (float): Negative-probability margin. Defaults to 0.05.
        gamma_neg (float): Base negative exponent γ⁻. Defaults to 3.
        weight_exponent (float): Exponent of ŵ. Defaults to 1/6.
        threshold_mode (str): ``'batch'`` (code, default) or ``'running'``
            (the paper: EMA with ``threshold_momentum`` of batch means).
        threshold_momentum (float): Defaults to 0.9.
        sync_threshold (bool): All-reduce the batch means over ranks.
        correct (str): ``'unknown_only'`` (default) or ``'non_positive'``.
        start_epoch (int): First (0-based) epoch with RLC active; earlier
            calls return zeros. Defaults to 0.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        reduction (str): Defaults to ``'sum'``.
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str): ``'negative'`` (default), ``'ignore'`` (unknowns
            masked and never corrected) or ``'error'``.
        prior_adjust (dict, optional): Project extension (not in the
            paper): ``PriorAdjustedThreshold`` arguments; the absolute test
            becomes ``σ(z − m·y − τ_d(logit π̂_k − logit π̄)) > tau``.
            Defaults to None.
    """

    default_unknown_as = 'negative'

    def __init__(self,
                 class_freq: Optional[ArrayOrPath] = None,
                 tau: float = 0.7,
                 margin: float = 1.0,
                 clip: float = 0.05,
                 gamma_neg: float = 3.,
                 weight_exponent: float = 1. / 6,
                 threshold_mode: str = 'batch',
                 threshold_momentum: float = 0.9,
                 sync_threshold: bool = False,
                 correct: str = 'unknown_only',
                 start_epoch: int = 0,
                 eps: float = 1e-8,
                 reduction: str = 'sum',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None,
                 prior_adjust: Optional[dict] = None) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        # project extension (records_corr_solar.md §10), off by default:
        # the absolute test q > tau uses prior-adjusted logits
        self.prior_adjust = None if prior_adjust is None else \
            PriorAdjustedThreshold(**prior_adjust)
        if threshold_mode not in THRESHOLD_MODES:
            raise ValueError(f'RLCLoss: threshold_mode must be one of '
                             f'{THRESHOLD_MODES}, got {threshold_mode!r}')
        if correct not in CORRECT_MODES:
            raise ValueError(f'RLCLoss: correct must be one of '
                             f'{CORRECT_MODES}, got {correct!r}')
        self.tau = tau
        self.margin = margin
        self.clip = clip
        self.gamma_neg = gamma_neg
        self.weight_exponent = weight_exponent
        self.threshold_mode = threshold_mode
        self.threshold_momentum = threshold_momentum
        self.sync_threshold = sync_threshold
        self.correct = correct
        self.start_epoch = start_epoch
        self.eps = eps
        self.current_epoch = 0
        self.last_correction: Optional[torch.Tensor] = None
        self.register_buffer('static_counts', None, persistent=False)
        self.state = RLCState()
        self._warned = False
        if class_freq is not None:
            self.set_class_stats(load_class_freq(class_freq))

    @property
    def class_stats_ready(self) -> bool:
        return self.static_counts is not None

    def set_class_stats(self, class_freq: Optional[torch.Tensor],
                        cooccurrence: Optional[torch.Tensor] = None) -> None:
        """Set the static counts n (C,) (the co-occurrence is unused)."""
        if class_freq is None:
            return
        device = self.state.counts.device
        self.static_counts = class_freq.round().long().to(device)
        self.state.resize(class_freq.numel())

    def set_epoch(self, epoch: int) -> None:
        """0-based epoch of the coming calls (set by ComicCorrectionHook)."""
        self.current_epoch = int(epoch)

    @property
    def active(self) -> bool:
        return self.current_epoch >= self.start_epoch

    def _threshold(self, q: torch.Tensor) -> torch.Tensor:
        """(C,) class thresholds P̄ from the detached probabilities q."""
        sums = torch.cat([q.sum(0), q.new_tensor([q.shape[0]])])
        if self.sync_threshold:
            sums = all_reduce_sum(sums)
        batch_mean = sums[:-1] / sums[-1]
        if self.threshold_mode == 'batch':
            return batch_mean
        state = self.state
        if state.running_threshold.numel() != q.shape[1]:
            state.running_threshold = q.new_zeros(q.shape[1])
        mom = self.threshold_momentum
        new = batch_mean if int(state.num_updates) == 0 else (
            mom * state.running_threshold.to(q) + (1 - mom) * batch_mean)
        state.running_threshold.copy_(new)
        state.num_updates += 1
        return new

    def _class_weights(self, delta: torch.Tensor) -> torch.Tensor:
        """Update D with the (B, C) corrections and return ŵ (C,)."""
        num_classes = delta.shape[1]
        if self.static_counts is None:
            if not self._warned:
                self._warned = True
                MMLogger.get_current_instance().warning(
                    'RLCLoss: no class counts set; ŵ = 1 and D is not '
                    'tracked')
            return delta.new_ones(num_classes)
        if self.static_counts.numel() != num_classes:
            raise ValueError(f'RLCLoss: class counts have '
                             f'{self.static_counts.numel()} classes, logits '
                             f'{num_classes}')
        state = self.state
        if int(state.epoch) != self.current_epoch:
            state.counts.copy_(self.static_counts)
            state.epoch.fill_(self.current_epoch)
        added = all_reduce_sum(delta.sum(0).round().long())
        state.counts += added.to(state.counts.device)
        return frequency_weights(state.counts, self.weight_exponent).to(delta)

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) RLC loss; includes the factor B / max(N⁺, 1)."""
        if not self.active:
            self.last_correction = torch.zeros_like(y, dtype=torch.bool)
            return z * 0
        q = torch.sigmoid(z - self.margin * y)
        q_det = q.detach()
        threshold = self._threshold(q_det)
        q_abs = q_det
        if self.prior_adjust is not None:
            if self.training:
                self.prior_adjust.update(z)
            q_abs = torch.sigmoid(
                self.prior_adjust.adjust(z - self.margin * y))
        if self.correct == 'unknown_only':
            correctable = t == -1
        else:
            correctable = t != 1
        if self.unknown_as == 'ignore':
            correctable = correctable & (t != -1)
        corrected = correctable & (q_abs > self.tau) & (q_det > threshold)
        y_hat = torch.where(corrected, torch.ones_like(y), y)
        self.last_correction = corrected
        w = self._class_weights((y_hat - y).detach())[None]
        q_neg = (1 - q + self.clip).clamp(max=1)
        pt = y_hat * q + (1 - y_hat) * q_neg
        gamma = (1 - y_hat) * (self.gamma_neg + w)
        focal = (1 - pt).detach().pow(gamma)
        log_term = (y_hat * torch.log(q.clamp(min=self.eps)) +
                    (1 - y_hat) * torch.log(q_neg.clamp(min=self.eps)))
        scale = z.shape[0] / max(float(y_hat.sum()), 1.)
        return -scale * w * focal * log_term
