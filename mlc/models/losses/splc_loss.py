"""SPLC: self-paced loss correction with a focal margin (arXiv 2112.07368)."""
import math
from typing import Dict, Optional

import torch
import torch.nn.functional as F
from mmengine.logging import MMLogger

from mlc.models.utils.prior_threshold import PriorAdjustedThreshold
from mlc.registry import MODELS
from .mlc_loss_base import MLCLossBase

CORRECT_MODES = ('unknown_only', 'non_positive')


@MODELS.register_module()
class SPLCLoss(MLCLossBase):
    """Focal-margin loss with self-paced correction of missing labels.

    1. ``z' = z - margin`` on observed positives, ``z' = z`` elsewhere;
       ``p = sigmoid(z')``.
    2. From the epoch ``change_epoch`` on (0-based, as ``runner.epoch``),
       correctable entries with ``p > tau`` become pseudo-positives
       (``y' = 1``, no margin: ``z'`` was computed before correcting).
       Recomputed every iteration from the current logits; stateless.
    3. ``-[y' (1-p)^gamma log p + (1-y') p^gamma log(1-p)]``, focal weights
       not detached (the official code's choice).

    With ``correction=False`` this is the paper's "focal margin" loss. The
    epoch is set by :class:`mlc.engine.hooks.SPLCEpochHook` through
    :meth:`set_epoch` before every training epoch; a loss whose epoch was
    never set warns once in training mode and does not correct.

    After each forward, :attr:`last_pseudo` holds the detached (B, C) bool
    mask of pseudo-positives (None before ``change_epoch``) and
    :attr:`num_pseudo` their detached (float) number; :meth:`diagnostics` returns it as
    ``splc_num_pseudo`` for the head's output (a name without ``loss``, so
    mmengine logs it but does not add it to the total loss).

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
        reduction (str): Defaults to ``'sum'`` (the paper's).
        loss_weight (float): Multiplier. Defaults to 1.0.
        unknown_as (str, optional): ``'negative'`` (default), ``'ignore'``
            (then ``'unknown_only'`` corrects nothing that counts) or
            ``'error'``.
        prior_adjust (dict, optional): Project extension (not in the
            paper): ``PriorAdjustedThreshold`` arguments (``tau_d``,
            ``momentum``); the correction test becomes
            ``σ(z' − τ_d(logit π̂_k − logit π̄)) > tau``. Defaults to None.
    """

    default_unknown_as = 'negative'

    def __init__(self,
                 tau: float = 0.6,
                 change_epoch: int = 1,
                 margin: float = 1.0,
                 gamma: float = 2.0,
                 correction: bool = True,
                 correct: str = 'unknown_only',
                 reduction: str = 'sum',
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None,
                 prior_adjust: Optional[dict] = None) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        # project extension (records_corr_solar.md §10), off by default
        self.prior_adjust = None if prior_adjust is None else \
            PriorAdjustedThreshold(**prior_adjust)
        if correct not in CORRECT_MODES:
            raise ValueError(f'SPLCLoss: correct must be one of '
                             f'{CORRECT_MODES}, got {correct!r}')
        if not 0 < tau < 1:
            raise ValueError(f'SPLCLoss: tau must be in (0, 1), got {tau}')
        self.tau = tau
        self.logit_tau = math.log(tau / (1 - tau))
        self.change_epoch = change_epoch
        self.margin = margin
        self.gamma = gamma
        self.correction = correction
        self.correct = correct
        self.epoch: Optional[int] = None
        self.num_pseudo: Optional[torch.Tensor] = None
        self.last_pseudo: Optional[torch.Tensor] = None
        self._warned = False

    def set_epoch(self, epoch: int) -> None:
        """Set the current 0-based training epoch (called by the hook)."""
        self.epoch = int(epoch)

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

    def elementwise_loss(self, z: torch.Tensor, y: torch.Tensor,
                         t: torch.Tensor, **ctx) -> torch.Tensor:
        """(B, C) SPLC loss; sets :attr:`num_pseudo`."""
        pos = t == 1
        if self.prior_adjust is not None and self.training:
            self.prior_adjust.update(z)
        z = torch.where(pos, z - self.margin, z)
        pseudo = None
        if self.correction and self._current_epoch() >= self.change_epoch:
            correctable = t == -1 if self.correct == 'unknown_only' else ~pos
            if self.unknown_as == 'ignore':
                correctable = correctable & (t != -1)
            # p > tau  <=>  z' > logit(tau) (no sigmoid needed)
            z_test = z.detach() if self.prior_adjust is None else \
                self.prior_adjust.adjust(z)
            pseudo = correctable & (z_test > self.logit_tau)
            pos = pos | pseudo
        self.last_pseudo = None if pseudo is None else pseudo.detach()
        self.num_pseudo = (z.new_zeros(()) if pseudo is None else
                           pseudo.sum().to(z.dtype)).detach()
        # with s = 2y' - 1 both terms are -(1 - p_s)^gamma log p_s where
        # p_s = sigmoid(s z'): one sigmoid and one logsigmoid per entry
        z_s = torch.where(pos, z, -z)
        return -torch.sigmoid(-z_s).pow(self.gamma) * F.logsigmoid(z_s)
