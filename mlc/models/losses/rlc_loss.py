"""COMIC's Reflective Label Corrector loss (RLC)."""
from typing import Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.logging import MMLogger

from mlc.models.utils.prior_threshold import build_prior_threshold
from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from mlc.utils.dist import all_reduce_sum
from .comic_class_stats import (
    ArrayOrPath,
    frequency_weights,
    read_class_counts,
)
from .mlc_loss_base import (
    SumNegativeLossBase,
    as_loss_inputs,
    weight_reduce_loss,
)

THRESHOLD_MODES = ('batch', 'running')
CORRECT_MODES = ('unknown_only', 'non_positive')


class RLCState(nn.Module):
    """Training state of one :class:`RLCLoss`; the buffers are saved in
    checkpoints (keys ``state.counts`` etc.).

    Buffers:
        counts (Tensor): (C,) int64 dynamic class counts D.
        epoch (Tensor): () int64 epoch of the last reset of D (-1: never).
        running_threshold (Tensor): (C,) float running P_c.
        num_updates (Tensor): () int64 updates of ``running_threshold``.

    Attributes:
        current_epoch (int): 0-based epoch of the coming steps, set by
            :meth:`RLCLoss.set_epoch` (resume restores it through the epoch
            hook).
        last_correction (Tensor, optional): (B, C) bool mask of the entries
            the last step turned positive (for logging; not saved).
    """

    def __init__(self, num_classes: int = 0) -> None:
        super().__init__()
        self.register_buffer('counts',
                             torch.zeros(num_classes, dtype=torch.long))
        self.register_buffer('epoch', torch.tensor(-1))
        self.register_buffer('running_threshold', torch.zeros(num_classes))
        self.register_buffer('num_updates', torch.tensor(0))
        self.current_epoch = 0
        self.last_correction: Optional[torch.Tensor] = None

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
class RLCLoss(SumNegativeLossBase):
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
    to the dataset). The training state is the ``state`` submodule (an
    :class:`RLCState`): ``D``, the epoch marker and the running threshold
    are its buffers (D synchronised over ranks), and the last batch's
    correction mask is read through :attr:`last_correction` for logging.
    The computation is :func:`rlc_loss`.

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
        prior_adjust (dict, optional): Project extension (not in the
            paper): ``PriorAdjustedThreshold`` arguments; the absolute test
            becomes ``σ(z − m·y − τ_d(logit π̂_k − logit π̄)) > tau``.
            Defaults to None.
        **base_args: ``reduction``, ``loss_weight`` and ``unknown_as``
            (see :class:`SumNegativeLossBase`; with ``'ignore'``, unknowns
            are masked and never corrected).
    """

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
                 prior_adjust: Optional[dict] = None,
                 **base_args) -> None:
        super().__init__(**base_args)
        # project extension (configs/pll/README.md), off by default:
        # the absolute test q > tau uses prior-adjusted logits
        self.prior_adjust = build_prior_threshold(prior_adjust)
        check_choice('RLCLoss', 'threshold_mode', threshold_mode,
                     THRESHOLD_MODES)
        check_choice('RLCLoss', 'correct', correct, CORRECT_MODES)
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
        self.register_buffer('static_counts', None, persistent=False)
        self.state = RLCState()
        self._warned = False
        if class_freq is not None:
            self.set_class_stats(read_class_counts(class_freq))

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
        """Epoch protocol: 0-based epoch of the coming calls (set by
        ComicCorrectionHook through the head)."""
        self.state.current_epoch = int(epoch)

    @property
    def current_epoch(self) -> int:
        """0-based epoch set by :meth:`set_epoch`."""
        return self.state.current_epoch

    @property
    def last_correction(self) -> Optional[torch.Tensor]:
        """(B, C) bool mask of the entries the last step turned positive."""
        return self.state.last_correction

    @property
    def active(self) -> bool:
        return self.current_epoch >= self.start_epoch

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`rlc_loss` with this module's settings and :attr:`state`
        (zeros before ``start_epoch``)."""
        if not self.active:
            self.state.last_correction = torch.zeros_like(t, dtype=torch.bool)
            return weight_reduce_loss(z * 0, t, weight, self.unknown_as,
                                      reduction, avg_factor)
        if self.static_counts is None and not self._warned:
            self._warned = True
            MMLogger.get_current_instance().warning(
                'RLCLoss: no class counts set; ŵ = 1 and D is not tracked')
        offset = None if self.prior_adjust is None else \
            self.prior_adjust.step(z)
        loss, corrected = rlc_loss(
            z, t, weight, self.state, self.static_counts, self.tau,
            self.margin, self.clip, self.gamma_neg, self.weight_exponent,
            self.threshold_mode, self.threshold_momentum,
            self.sync_threshold, self.correct, offset, self.eps, reduction,
            avg_factor, self.unknown_as, return_correction=True)
        self.state.last_correction = corrected
        return loss


def rlc_threshold(q: torch.Tensor, state: Optional[RLCState] = None,
                  mode: str = 'batch', momentum: float = 0.9,
                  sync: bool = False) -> torch.Tensor:
    """(C,) class thresholds P̄ of RLC.

    Args:
        q (Tensor): (B, C) detached probabilities ``σ(z - margin · y)``.
        state (RLCState, optional): Holds the running threshold of
            ``mode='running'`` (updated in place).
        mode (str): ``'batch'`` (the batch mean) or ``'running'`` (its EMA).
        momentum (float): EMA momentum of ``'running'``.
        sync (bool): All-reduce the batch sums over ranks.
    """
    # new_full, not new_tensor: no host-to-device copy (a sync)
    sums = torch.cat([q.sum(0), q.new_full((1, ), q.shape[0])])
    if sync:
        sums = all_reduce_sum(sums)
    batch_mean = sums[:-1] / sums[-1]
    if mode == 'batch':
        return batch_mean
    if state is None:
        raise ValueError("RLCLoss: threshold_mode='running' needs a state")
    if state.running_threshold.numel() != q.shape[1]:
        state.running_threshold = q.new_zeros(q.shape[1])
    # the first update takes the batch mean (chosen on the device: no
    # host-device sync)
    new = torch.where(
        state.num_updates == 0, batch_mean,
        momentum * state.running_threshold.to(q) + (1 - momentum) *
        batch_mean)
    state.running_threshold.copy_(new)
    state.num_updates += 1
    return new


def rlc_class_weights(delta: torch.Tensor, state: Optional[RLCState],
                      static_counts: Optional[torch.Tensor],
                      exponent: float) -> torch.Tensor:
    """(C,) class weights ŵ of RLC after adding a batch's corrections.

    Args:
        delta (Tensor): (B, C) detached corrections ``ŷ - y``.
        state (RLCState, optional): Its counts D are reset to
            ``static_counts`` at the first call of ``state.current_epoch``
            and then increased by ``delta`` summed over the batch of every
            rank (in place).
        static_counts (Tensor, optional): (C,) int64 counts n; None: ŵ = 1
            and D is not tracked.
        exponent (float): Exponent of ŵ.
    """
    num_classes = delta.shape[1]
    if static_counts is None or state is None:
        return delta.new_ones(num_classes)
    if static_counts.numel() != num_classes:
        raise ValueError(f'RLCLoss: class counts have '
                         f'{static_counts.numel()} classes, logits '
                         f'{num_classes}')
    # D <- n at the first call of an epoch, decided on the device (no
    # host-device sync)
    state.counts.copy_(torch.where(state.epoch != state.current_epoch,
                                   static_counts, state.counts))
    state.epoch.fill_(state.current_epoch)
    added = all_reduce_sum(delta.sum(0).round().long())
    state.counts += added.to(state.counts.device)
    return frequency_weights(state.counts, exponent).to(delta)


def rlc_loss(pred: torch.Tensor,
             target: torch.Tensor,
             weight: Optional[torch.Tensor] = None,
             state: Optional[RLCState] = None,
             static_counts: Optional[torch.Tensor] = None,
             tau: float = 0.7,
             margin: float = 1.0,
             clip: float = 0.05,
             gamma_neg: float = 3.,
             weight_exponent: float = 1. / 6,
             threshold_mode: str = 'batch',
             threshold_momentum: float = 0.9,
             sync_threshold: bool = False,
             correct: str = 'unknown_only',
             logit_offset: Optional[torch.Tensor] = None,
             eps: float = 1e-8,
             reduction: str = 'sum',
             avg_factor: Optional[float] = None,
             unknown_as: str = 'negative',
             return_correction: bool = False
             ) -> Union[torch.Tensor, Tuple[torch.Tensor, torch.Tensor]]:
    """RLC loss of one step (see :class:`RLCLoss`; no input validation).

    Pure without ``state`` (batch threshold, ŵ = 1); with a state, its
    running threshold and counts D are updated in place, as the optimisers'
    functional forms update their state tensors.

    Args:
        state (RLCState, optional): Running threshold and counts D.
        static_counts (Tensor, optional): (C,) int64 counts n (needs
            ``state``); None: ŵ = 1.
        tau (float): Absolute threshold τ. Defaults to 0.7.
        margin (float): Margin on observed positives. Defaults to 1.0.
        clip (float): Negative-probability margin. Defaults to 0.05.
        gamma_neg (float): Base negative exponent γ⁻. Defaults to 3.
        weight_exponent (float): Exponent of ŵ. Defaults to 1/6.
        threshold_mode (str): ``'batch'`` or ``'running'`` (needs
            ``state``).
        threshold_momentum (float): Defaults to 0.9.
        sync_threshold (bool): All-reduce the batch means over ranks.
        correct (str): ``'unknown_only'`` (default) or ``'non_positive'``.
        logit_offset (Tensor, optional): (C,) offsets subtracted from the
            margin logits in the absolute test (``PriorAdjustedThreshold``).
        eps (float): Clamp of the logs. Defaults to 1e-8.
        unknown_as (str): ``'negative'`` (default) or ``'ignore'``
            (unknowns masked and never corrected).
        return_correction (bool): Also return the (B, C) bool mask of the
            corrected entries.

    Returns:
        Tensor | tuple: The loss (see :mod:`.mlc_loss_base` for it and the
        other arguments); with ``return_correction``, a (loss, mask) pair.
    """
    z, t = as_loss_inputs(pred, target)
    y = t.clamp(min=0)
    z_margin = z - margin * y
    q = torch.sigmoid(z_margin)
    q_det = q.detach()
    threshold = rlc_threshold(q_det, state, threshold_mode,
                              threshold_momentum, sync_threshold)
    q_abs = q_det
    if logit_offset is not None:
        z_abs = z_margin.detach()
        if logit_offset.numel() > 0:
            z_abs = z_abs - logit_offset.to(z_abs)
        q_abs = torch.sigmoid(z_abs)
    if correct == 'unknown_only':
        correctable = t == -1
    else:
        correctable = t != 1
    if unknown_as == 'ignore':
        correctable = correctable & (t != -1)
    corrected = correctable & (q_abs > tau) & (q_det > threshold)
    y_hat = torch.where(corrected, torch.ones_like(y), y)
    w = rlc_class_weights((y_hat - y).detach(), state, static_counts,
                          weight_exponent)[None]
    q_neg = (1 - q + clip).clamp(max=1)
    pt = y_hat * q + (1 - y_hat) * q_neg
    gamma = (1 - y_hat) * (gamma_neg + w)
    focal = (1 - pt).detach().pow(gamma)
    log_term = (y_hat * torch.log(q.clamp(min=eps)) +
                (1 - y_hat) * torch.log(q_neg.clamp(min=eps)))
    # B / max(N+, 1) in float64 as a device scalar (no host-device sync)
    scale = z.shape[0] / y_hat.sum().double().clamp(min=1.)
    loss = weight_reduce_loss(-scale * w * focal * log_term, t, weight,
                              unknown_as, reduction, avg_factor)
    return (loss, corrected) if return_correction else loss
