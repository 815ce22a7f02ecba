"""SPLC: self-paced loss correction with a focal margin (arXiv 2112.07368)."""
import math
from typing import Dict, Optional, Tuple, Union

import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger

from mlc.models.utils.prior_threshold import build_prior_threshold
from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from .mlc_loss_base import (
    SumNegativeLossBase,
    as_loss_inputs,
    flip_sign,
    weight_reduce_loss,
)

CORRECT_MODES = ('unknown_only', 'non_positive')


def splc_loss(pred: torch.Tensor,
              target: torch.Tensor,
              weight: Optional[torch.Tensor] = None,
              tau: float = 0.6,
              margin: float = 1.0,
              gamma: float = 2.0,
              correction: bool = True,
              correct: str = 'unknown_only',
              logit_offset: Optional[torch.Tensor] = None,
              reduction: str = 'sum',
              avg_factor: Optional[float] = None,
              unknown_as: str = 'negative',
              return_pseudo: bool = False
              ) -> Union[torch.Tensor, Tuple[torch.Tensor,
                                             Optional[torch.Tensor]]]:
    """SPLC loss of one step (see :class:`SPLCLoss`; no input validation).

    Args:
        tau (float): Correction threshold on ``p``, in (0, 1). Defaults to
            0.6.
        margin (float): Logit margin of observed positives. Defaults to 1.0.
        gamma (float): Focusing exponent. Defaults to 2.0.
        correction (bool): Correct in this step (the module passes False
            before ``change_epoch``). Defaults to True.
        correct (str): ``'unknown_only'`` (default) or ``'non_positive'``.
        logit_offset (Tensor, optional): (C,) offsets subtracted from the
            margin logits in the correction test (``PriorAdjustedThreshold``).
        unknown_as (str): ``'negative'`` (default) or ``'ignore'`` (ignored
            entries are never corrected).
        return_pseudo (bool): Also return the detached (B, C) bool mask of
            the pseudo-positives (None without correction).

    Returns:
        Tensor | tuple: The loss (see :mod:`.mlc_loss_base` for it and the
        other arguments); with ``return_pseudo``, a (loss, pseudo) pair.
    """
    z, t = as_loss_inputs(pred, target)
    y = t.clamp(min=0)
    # z - margin on observed positives
    z = torch.sub(z, y, alpha=margin)
    pseudo = None
    if correction:
        correctable = t == -1 if correct == 'unknown_only' else t != 1
        if unknown_as == 'ignore':
            correctable = correctable & (t != -1)
        # p > tau  <=>  z' > logit(tau) (no sigmoid needed)
        z_test = z.detach()
        if logit_offset is not None and logit_offset.numel() > 0:
            z_test = z_test - logit_offset.to(z_test)
        pseudo = correctable & (z_test > math.log(tau / (1 - tau)))
        y = y + pseudo  # pseudo-positives are never observed positives
    # with s = 2y' - 1 both terms are -(1 - p_s)^gamma log p_s where
    # p_s = sigmoid(s z'); with a = -s z' that is
    # sigmoid(a)^gamma softplus(a): one sigmoid and one softplus
    a = z * flip_sign(y)
    loss = torch.sigmoid(a).pow(gamma) * F.softplus(a)
    loss = weight_reduce_loss(loss, t, weight, unknown_as, reduction,
                              avg_factor)
    return (loss, pseudo) if return_pseudo else loss


class SPLCState:
    """Training state of one :class:`SPLCLoss` (nothing is checkpointed:
    the pseudo-labels are recomputed every step and resume restores the
    epoch through ``SPLCEpochHook``).

    Attributes:
        epoch (int, optional): 0-based training epoch, set by
            :meth:`set_epoch`; None until then.
        pseudo (Tensor, optional): Detached (B, C) bool mask of the last
            step's pseudo-positives (None before ``change_epoch``).
        num_pseudo (Tensor, optional): Detached () float number of them
            (None before the first step).
    """

    def __init__(self) -> None:
        self.epoch: Optional[int] = None
        self.pseudo: Optional[torch.Tensor] = None
        self.num_pseudo: Optional[torch.Tensor] = None

    def set_epoch(self, epoch: int) -> None:
        """Set the 0-based training epoch."""
        self.epoch = int(epoch)

    def update(self, pseudo: Optional[torch.Tensor],
               num_pseudo: torch.Tensor) -> None:
        """Record a step's (B, C) bool pseudo-positives (or None) and their
        () float number."""
        self.pseudo = None if pseudo is None else pseudo.detach()
        self.num_pseudo = num_pseudo.detach()


@MODELS.register_module()
class SPLCLoss(SumNegativeLossBase):
    """Focal-margin loss with self-paced correction of missing labels.

    1. ``z' = z - margin`` on observed positives, ``z' = z`` elsewhere;
       ``p = sigmoid(z')``.
    2. From the epoch ``change_epoch`` on (0-based, as ``runner.epoch``),
       correctable entries with ``p > tau`` become pseudo-positives
       (``y' = 1``, no margin: ``z'`` was computed before correcting).
       Recomputed every iteration from the current logits.
    3. ``-[y' (1-p)^gamma log p + (1-y') p^gamma log(1-p)]``, focal weights
       not detached (the official code's choice).

    With ``correction=False`` this is the paper's "focal margin" loss. The
    epoch is set by :class:`mlc.engine.hooks.SPLCEpochHook` through
    :meth:`set_epoch` before every training epoch; a loss whose epoch was
    never set warns once in training mode and does not correct.

    The training state lives in :attr:`state` (an :class:`SPLCState`):
    after each forward, the read-only :attr:`last_pseudo` is the detached
    (B, C) bool mask of pseudo-positives (None before ``change_epoch``; read
    by ``SPLCEpochHook`` to log their precision and recall) and
    :attr:`num_pseudo` their detached (float) number; :meth:`diagnostics`
    returns it as ``splc_num_pseudo`` for the head's output (a name without
    ``loss``, so mmengine logs it but does not add it to the total loss).
    The computation is :func:`splc_loss`.

    Args:
        tau (float): Correction threshold on ``p``. Defaults to 0.6 (the
            paper uses 0.65 for COCO 75%-left).
        change_epoch (int): First (0-based) epoch with correction.
            Defaults to 1 (correction starts in the second epoch).
        margin (float): Logit margin of observed positives. Defaults to 1.0.
        gamma (float): Focusing exponent. Defaults to 2.0.
        correction (bool): Enable step 2. Defaults to True.
        correct (str): Which entries may become pseudo-positives:
            ``'unknown_only'`` (t == -1, default) or ``'non_positive'``
            (every entry that is not an observed positive, as the official
            code, which flips any entry).
        prior_adjust (dict, optional): Project extension (not in the
            paper): ``PriorAdjustedThreshold`` arguments (``tau_d``,
            ``momentum``); the correction test becomes
            ``σ(z' − τ_d(logit π̂_k − logit π̄)) > tau``. Defaults to None.
        **base_args: ``reduction``, ``loss_weight`` and ``unknown_as``
            (see :class:`SumNegativeLossBase`; with ``'ignore'``,
            ``'unknown_only'`` corrects nothing that counts).
    """

    def __init__(self,
                 tau: float = 0.6,
                 change_epoch: int = 1,
                 margin: float = 1.0,
                 gamma: float = 2.0,
                 correction: bool = True,
                 correct: str = 'unknown_only',
                 prior_adjust: Optional[dict] = None,
                 **base_args) -> None:
        super().__init__(**base_args)
        # project extension (configs/pll/README.md), off by default
        self.prior_adjust = build_prior_threshold(prior_adjust)
        check_choice('SPLCLoss', 'correct', correct, CORRECT_MODES)
        if not 0 < tau < 1:
            raise ValueError(f'SPLCLoss: tau must be in (0, 1), got {tau}')
        self.tau = tau
        self.change_epoch = change_epoch
        self.margin = margin
        self.gamma = gamma
        self.correction = correction
        self.correct = correct
        self.state = SPLCState()
        self._warned = False

    def set_epoch(self, epoch: int) -> None:
        """Epoch protocol: set the current 0-based training epoch (called by
        ``SPLCEpochHook``)."""
        self.state.set_epoch(epoch)

    @property
    def epoch(self) -> Optional[int]:
        """0-based epoch set by :meth:`set_epoch` (None until then)."""
        return self.state.epoch

    @property
    def last_pseudo(self) -> Optional[torch.Tensor]:
        """Detached (B, C) bool mask of the last step's pseudo-positives
        (None before ``change_epoch`` or before the first step)."""
        return self.state.pseudo

    @property
    def num_pseudo(self) -> Optional[torch.Tensor]:
        """Detached () float number of the last step's pseudo-positives
        (None before the first step)."""
        return self.state.num_pseudo

    def diagnostics(self) -> Dict[str, torch.Tensor]:
        """Detached values of the last forward to log (names avoid
        ``loss``)."""
        if self.num_pseudo is None:
            return {}
        return {'splc_num_pseudo': self.num_pseudo}

    def _current_epoch(self) -> int:
        if self.epoch is not None:
            return self.epoch
        if self.correction and self.training and not self._warned:
            self._warned = True
            MMLogger.get_current_instance().warning(
                'SPLCLoss: the epoch was never set, so no label is '
                "corrected; add dict(type='SPLCEpochHook') to custom_hooks")
        return 0

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`splc_loss` with this module's settings and epoch; records
        the pseudo-positives in :attr:`state`."""
        offset = None if self.prior_adjust is None else \
            self.prior_adjust.step(z)
        correction = self.correction and \
            self._current_epoch() >= self.change_epoch
        loss, pseudo = splc_loss(
            z, t, weight, self.tau, self.margin, self.gamma, correction,
            self.correct, offset, reduction, avg_factor, self.unknown_as,
            return_pseudo=True)
        self.state.update(pseudo, z.new_zeros(()) if pseudo is None else
                          pseudo.sum().to(z.dtype))
        return loss
