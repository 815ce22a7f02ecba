"""COMIC's Multi-Focal Modifier loss (MFM)."""
from typing import Optional

import torch
from mmengine.logging import MMLogger

from mlc.registry import MODELS
from .comic_class_stats import (
    ArrayOrPath,
    check_num_classes,
    frequency_weights,
    load_cooccurrence,
    normalised_cooccurrence,
    read_class_counts,
)
from .masked_loss import masked_loss
from .mlc_loss_base import SumNegativeLossBase


@MODELS.register_module()
class MultiFocalModifierLoss(SumNegativeLossBase):
    """Focal loss with positive/negative and head/tail exponents (code form).

    With ``p = σ(z)``, class weights ``w_c = (1 - ln(n_c / max n)) **
    weight_exponent`` and a per-sample co-occurrence prior ``a_b`` (the
    normalised mean of the column-normalised co-occurrence rows of the
    sample's positives; 0 for a sample without positive)::

        p⁺ = p (1 - a_b)
        p⁻ = min(1 - p + clip, 1);  p⁻ = min(neg_gain · p⁻, 1) where a_b > 0
        pt = y p⁺ + (1 - y) p⁻
        γ  = y γ⁺ + (1 - y) (γ⁻ + w_c)
        ℓ  = -w_c (1 - pt)^γ [y log p⁺ + (1 - y) log p⁻]

    The focal factor is detached; logs are clamped at ``eps``.

    Class statistics come from the training labels: pass them here or call
    :meth:`set_class_stats` (``ComicCorrectionHook`` does, from the observed
    labels of the training set). Without them the class weights are 1 and
    the prior is off (logged once).

    Args:
        class_freq (list | str, optional): (C,) positives per class, or a
            ``distribution.txt`` path.
        cooccurrence (array | str, optional): (C, C) co-occurrence counts or
            a ``.npy`` path.
        gamma_pos (float): γ⁺. Defaults to 0.
        gamma_neg (float): γ⁻. Defaults to 3.
        clip (float): Negative-probability margin. Defaults to 0.05.
        neg_gain (float): g_neg on entries with a non-zero prior. 1.2.
        weight_exponent (float): Exponent of the class weights. 1/3.
        use_class_weight (bool): Weight the terms and the negative exponent
            by ``w_c`` (the head/tail factor). Defaults to True.
        use_cooccurrence (bool): Apply the prior and ``neg_gain``. True.
        eps (float): Clamp of the logs. Defaults to 1e-8.
        **base_args: ``reduction``, ``loss_weight`` and ``unknown_as``
            (see :class:`SumNegativeLossBase`; ``'negative'`` is COMIC's
            "0 = negative or missing").
    """

    def __init__(self,
                 class_freq: Optional[ArrayOrPath] = None,
                 cooccurrence: Optional[ArrayOrPath] = None,
                 gamma_pos: float = 0.,
                 gamma_neg: float = 3.,
                 clip: float = 0.05,
                 neg_gain: float = 1.2,
                 weight_exponent: float = 1. / 3,
                 use_class_weight: bool = True,
                 use_cooccurrence: bool = True,
                 eps: float = 1e-8,
                 **base_args) -> None:
        super().__init__(**base_args)
        self.gamma_pos = gamma_pos
        self.gamma_neg = gamma_neg
        self.clip = clip
        self.neg_gain = neg_gain
        self.weight_exponent = weight_exponent
        self.use_class_weight = use_class_weight
        self.use_cooccurrence = use_cooccurrence
        self.eps = eps
        # derived from the training labels: recomputed, not checkpointed
        self.register_buffer('class_weight', None, persistent=False)
        self.register_buffer('cooc_norm', None, persistent=False)
        self._warned = False
        self.set_class_stats(
            None if class_freq is None else read_class_counts(class_freq),
            None if cooccurrence is None else load_cooccurrence(cooccurrence))

    @property
    def class_stats_ready(self) -> bool:
        """True when every statistic the flags need is set."""
        return ((not self.use_class_weight or self.class_weight is not None)
                and (not self.use_cooccurrence or self.cooc_norm is not None))

    def set_class_stats(self, class_freq: Optional[torch.Tensor],
                        cooccurrence: Optional[torch.Tensor]) -> None:
        """Set w_c from (C,) counts and M̃ from (C, C) co-occurrence counts
        (either may be None to keep the current value)."""
        check_num_classes(type(self).__name__, class_freq, cooccurrence)
        if class_freq is not None:
            self.class_weight = frequency_weights(class_freq,
                                                  self.weight_exponent)
        if cooccurrence is not None:
            self.cooc_norm = normalised_cooccurrence(cooccurrence)

    def cooccurrence_prior(self, y: torch.Tensor) -> torch.Tensor:
        """(B, C) prior a_b from the binary targets y (B, C) (see
        :func:`cooccurrence_prior`)."""
        return cooccurrence_prior(y, self.cooc_norm)

    def _weights(self, z: torch.Tensor) -> Optional[torch.Tensor]:
        """(C,) class weights, or None without ``use_class_weight``."""
        if not self.use_class_weight:
            return None
        if self.class_weight is None:
            self._warn_once()
            return z.new_ones(z.shape[1])
        if self.class_weight.numel() != z.shape[1]:
            raise ValueError(f'{type(self).__name__}: class weights have '
                             f'{self.class_weight.numel()} classes, logits '
                             f'{z.shape[1]}')
        return self.class_weight.to(z)

    def _warn_once(self) -> None:
        if not self._warned:
            self._warned = True
            MMLogger.get_current_instance().warning(
                f'{type(self).__name__}: no class statistics set; class '
                'weights are 1 and the co-occurrence prior is off')

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """:func:`multi_focal_modifier_loss` with this module's settings and
        class statistics."""
        class_weight = self._weights(z)
        cooc_norm = self.cooc_norm if self.use_cooccurrence else None
        if self.use_cooccurrence and cooc_norm is None:
            self._warn_once()
        return multi_focal_modifier_loss(
            z, t, weight, class_weight, cooc_norm, self.gamma_pos,
            self.gamma_neg, self.clip, self.neg_gain, self.eps, reduction,
            avg_factor, self.unknown_as)


def cooccurrence_prior(y: torch.Tensor,
                       cooc_norm: torch.Tensor) -> torch.Tensor:
    """Per-sample co-occurrence prior ``a_b`` of MFM.

    Args:
        y (Tensor): (B, C) binary targets.
        cooc_norm (Tensor): (C, C) column-normalised co-occurrence M̃.

    Returns:
        Tensor: (B, C) normalised mean of the M̃ rows of each sample's
        positives; 0 for a sample without positive (the code gives NaN).
    """
    cooc = cooc_norm.to(y)
    if cooc.shape[0] != y.shape[1]:
        raise ValueError(f'MultiFocalModifierLoss: co-occurrence has '
                         f'{cooc.shape[0]} classes, targets {y.shape[1]}')
    num_pos = y.sum(1, keepdim=True)
    prior = (y @ cooc) / num_pos.clamp(min=1)
    return prior / prior.sum(1, keepdim=True).clamp(min=1e-12)


@masked_loss(reduction='sum', unknown_as='negative')
def multi_focal_modifier_loss(z: torch.Tensor,
                              t: torch.Tensor,
                              class_weight: Optional[torch.Tensor] = None,
                              cooc_norm: Optional[torch.Tensor] = None,
                              gamma_pos: float = 0.,
                              gamma_neg: float = 3.,
                              clip: float = 0.05,
                              neg_gain: float = 1.2,
                              eps: float = 1e-8) -> torch.Tensor:
    """COMIC's Multi-Focal Modifier loss (see
    :class:`MultiFocalModifierLoss`; no input validation).

    Args:
        class_weight (Tensor, optional): (C,) head/tail weights ``w_c``
            (terms and negative exponent); None: no class weighting.
        cooc_norm (Tensor, optional): (C, C) column-normalised
            co-occurrence M̃; None: no prior and no ``neg_gain``.
        gamma_pos (float): γ⁺. Defaults to 0.
        gamma_neg (float): γ⁻. Defaults to 3.
        clip (float): Negative-probability margin. Defaults to 0.05.
        neg_gain (float): g_neg on entries with a non-zero prior. 1.2.
        eps (float): Clamp of the logs. Defaults to 1e-8.

    The other arguments and the result: see :mod:`.mlc_loss_base`.
    """
    y = t.clamp(min=0)
    w = z.new_ones(1, z.shape[1]) if class_weight is None else \
        class_weight.to(z)[None]
    p = torch.sigmoid(z)
    p_neg = (1 - p + clip).clamp(max=1)
    p_pos = p
    if cooc_norm is not None:
        prior = cooccurrence_prior(y, cooc_norm)
        p_pos = p * (1 - prior)
        p_neg = torch.where(prior != 0, (neg_gain * p_neg).clamp(max=1),
                            p_neg)
    log_term = (y * torch.log(p_pos.clamp(min=eps)) +
                (1 - y) * torch.log(p_neg.clamp(min=eps)))
    pt = y * p_pos + (1 - y) * p_neg
    gamma = y * gamma_pos + (1 - y) * (gamma_neg + (
        0 if class_weight is None else w))
    focal = (1 - pt).detach().pow(gamma)
    return -w * focal * log_term
