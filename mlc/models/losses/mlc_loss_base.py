"""Shared base of the multi-label losses: unknowns, masking, reduction.

Every element-wise loss of the package has a functional form beside its
module, ``<name>_loss(pred, target, weight, <hyper-parameters>, reduction,
avg_factor, unknown_as)``, which does not validate its inputs (the module
does). The arguments common to all of them:

- ``pred`` (Tensor): (B, C) logits.
- ``target`` (Tensor): (B, C) targets in {1, 0, -1}.
- ``weight`` (Tensor, optional): (B,) or (B, C) non-negative weights.
- ``reduction`` (str): ``'none'``, ``'sum'``, ``'global_sum'``, ``'mean'``
  or ``'batchmean'`` (see :class:`MultiLabelLossBase`).
- ``avg_factor`` (float, optional): Denominator of ``'mean'``.
- ``unknown_as`` (str): ``'negative'`` (-1 targets count as 0) or
  ``'ignore'`` (masked out), plus the modes a loss documents itself.

Each returns a scalar, or the (B, C) loss with ``reduction='none'``.
The losses whose function is only an element-wise formula define it as a
core decorated with :func:`.masked_loss.masked_loss`, which adds these
arguments.
"""
import os
from typing import Callable, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.dist import get_world_size
from mmengine.logging import MMLogger

from mlc.utils.choices import check_choice
from ..utils.autocast_off import autocast_off

REDUCTIONS = ('none', 'sum', 'global_sum', 'mean', 'batchmean')

#: Environment variable: set it to 1 (before starting) to validate loss
#: input values on every call while debugging. By default they are
#: validated on a loss's first call only, because every value check reads a
#: result back from the device (a host-device synchronisation per step on a
#: GPU).
CHECK_ENV = 'MLC_CHECK_LOSS_INPUTS'
CHECK_EVERY_CALL = os.environ.get(CHECK_ENV, '0') not in ('', '0')


def check_values_now(checked: bool) -> bool:
    """Whether to validate input values: on the first (successful) call of
    a loss (``checked`` False) or always with ``MLC_CHECK_LOSS_INPUTS=1``."""
    return not checked or CHECK_EVERY_CALL


def check_loss_inputs(name: str, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor],
                      unknown_as: str,
                      values: bool = True,
                      target_values: str = 'observed') -> None:
    """Raise a ValueError naming loss ``name`` on malformed inputs.

    Shapes are checked on every call (free). The value checks synchronise
    with the device and run only with ``values``; the unknown check of
    ``unknown_as='error'`` runs on every call (that mode's contract, at the
    price of one synchronisation per call).

    Args:
        name (str): Loss name used in the messages.
        z (Tensor): (B, C) logits; must be finite.
        t (Tensor): (B, C) targets; must be in {1, 0, -1}, or in [0, 1]
            with ``target_values='soft'``.
        weight (Tensor, optional): (B,) or (B, C) non-negative weights.
        unknown_as (str): With ``'error'``, any -1 target raises.
        values (bool): Also check the values. Defaults to True.
        target_values (str): ``'observed'`` (default) or ``'soft'``.
    """
    if z.dim() != 2 or z.shape != t.shape:
        raise ValueError(f'{name}: logits {tuple(z.shape)} and targets '
                         f'{tuple(t.shape)} must both be (B, C)')
    if weight is not None and weight.shape not in (z.shape[:1], z.shape):
        raise ValueError(f'{name}: weight of shape '
                         f'{tuple(weight.shape)} must be (B,) or '
                         f'(B, C) for logits {tuple(z.shape)}')
    if values:
        _check_values(name, z, t, weight, target_values)
    if unknown_as == 'error' and (t == -1).any():
        raise ValueError(
            f'{name}: targets contain {int((t == -1).sum())} unknown (-1) '
            "entries and unknown_as='error'")


def _check_values(name: str, z: torch.Tensor, t: torch.Tensor,
                  weight: Optional[torch.Tensor],
                  target_values: str = 'observed') -> None:
    """Targets of ``target_values``, finite logits, non-negative weights."""
    if target_values == 'soft':
        valid, allowed = (t >= 0) & (t <= 1), '[0, 1]'  # NaN fails
    else:
        valid = torch.isin(t, t.new_tensor([1., 0., -1.]))
        allowed = '{1, 0, -1}'
    if not valid.all():
        raise ValueError(f'{name}: targets must be in {allowed}, '
                         f'found {t[~valid][0].item()}')
    if not torch.isfinite(z).all():
        raise ValueError(f'{name}: logits contain NaN or Inf (diverged '
                         'training? lower the learning rate or use AMP '
                         'loss scaling)')
    if weight is not None and (weight < 0).any():
        raise ValueError(f'{name}: weights must be non-negative')


def prob_of_target(z: torch.Tensor, y: torch.Tensor,
                   neg: Optional[torch.Tensor] = None) -> torch.Tensor:
    """(B, C) ``p_t``: ``p = sigmoid(z)`` where the binary target ``y`` is
    1, ``1 - p`` where it is 0 (``neg`` = ``1 - y`` if already computed).

    One fused ``(1 - y) + (2y - 1) p``: the same numbers as
    ``where(y > 0, p, 1 - p)`` (the published losses' rounding) without a
    ``where`` (several times slower on the CPU, forward and backward).
    ``torch.rsub`` rather than ``1 - y``: the operator form goes through a
    Python wrapper, which costs as much as the op itself at C = 80.
    """
    neg = torch.rsub(y, 1) if neg is None else neg
    return torch.addcmul(neg, y - neg, torch.sigmoid(z))


def flip_sign(y: torch.Tensor) -> torch.Tensor:
    """``1 - 2y`` (-1 on positives, +1 elsewhere) for a binary ``y``."""
    return y.mul(-2).add_(1)


def log_unknowns(name: str, unknown: torch.Tensor, unknown_as: str) -> None:
    """Log how many (B, C) entries of a batch are unknown and their rule."""
    MMLogger.get_current_instance().info(
        f'{name}: first batch has {int(unknown.sum())} unknown (-1) target '
        f"entries of {unknown.numel()}; unknown_as='{unknown_as}'")


def as_loss_inputs(pred: torch.Tensor,
                   target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """Logits ``z`` (B, C) in float32 (float64 kept, so that gradients can be
    checked numerically) and the targets ``t`` (B, C) in their dtype (no copy
    when they already are)."""
    z = pred if pred.dtype in (torch.float32, torch.float64) else pred.float()
    return z, target.to(z)


def checked_inputs(loss: nn.Module, cls_score: torch.Tensor,
                   target: torch.Tensor, weight: Optional[torch.Tensor],
                   reduction: str, reductions: Tuple[str, ...] = REDUCTIONS
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
    """The float logits ``z`` and targets ``t`` (both (B, C), see
    :func:`as_loss_inputs`) of one call of the loss module ``loss``, checked.

    ``reduction`` must be one of ``reductions`` and the shapes are checked
    on every call; the values (:func:`check_loss_inputs`) only on the
    module's first call (its ``_checked`` flag is then set) or on every call
    with ``MLC_CHECK_LOSS_INPUTS=1`` (no host-device sync in later steps).
    The first call also logs the number of unknowns under the module's
    ``unknown_as`` (observed targets; see its ``target_values``).
    """
    name = type(loss).__name__
    check_choice(name, 'reduction', reduction, reductions)
    z, t = as_loss_inputs(cls_score, target)
    check_loss_inputs(name, z, t, weight, loss.unknown_as,
                      check_values_now(loss._checked), loss.target_values)
    if not loss._checked:
        if loss.target_values == 'observed':
            log_unknowns(name, t == -1, loss.unknown_as)
        loss._checked = True
    return z, t


def unknown_mask(target: torch.Tensor, weight: Optional[torch.Tensor],
                 unknown_as: str) -> Optional[torch.Tensor]:
    """(B, C) mask ``M = expand(weight) * m_unknown``, None for all-ones.

    With ``unknown_as='ignore'`` the unknown mask is always applied
    (multiplying by ones changes nothing; testing for unknowns first would
    synchronise with the device).

    Args:
        target (Tensor): (B, C) targets in {1, 0, -1}, float.
        weight (Tensor, optional): (B,) or (B, C) non-negative weights.
        unknown_as (str): Unknowns are masked out with ``'ignore'`` only.
    """
    mask = (target != -1).to(target) if unknown_as == 'ignore' else None
    if weight is not None:
        weight = weight.to(target)
        weight = weight[:, None] if weight.dim() == 1 else weight
        mask = weight.expand_as(target) if mask is None else mask * weight
    return mask


def reduce_loss(loss: torch.Tensor, mask: Optional[torch.Tensor],
                reduction: str, avg_factor: Optional[float]) -> torch.Tensor:
    """Reduce a (B, C) masked loss (see :class:`MultiLabelLossBase` for the
    reductions); ``'mean'`` divides by ``avg_factor`` or by the number of
    entries with ``mask > 0`` (a device tensor: no host-device sync)."""
    if reduction == 'none':
        return loss
    total = loss.sum()
    if reduction == 'sum':
        return total
    if reduction == 'global_sum':
        world = get_world_size()
        return total * world if world > 1 else total
    if reduction == 'batchmean':
        return total / loss.shape[0]
    if avg_factor is not None:
        return total / avg_factor
    if mask is None:
        return total / max(loss.numel(), 1)
    return total / (mask > 0).sum().clamp(min=1)


def weight_reduce_loss(loss: torch.Tensor,
                       target: torch.Tensor,
                       weight: Optional[torch.Tensor] = None,
                       unknown_as: str = 'ignore',
                       reduction: str = 'mean',
                       avg_factor: Optional[float] = None) -> torch.Tensor:
    """Mask and reduce an element-wise loss (the tail of every functional
    loss of this package).

    Args:
        loss (Tensor): (B, C) element-wise loss.
        target (Tensor): (B, C) observed targets in {1, 0, -1}, float.
        weight (Tensor, optional): (B,) or (B, C) non-negative weights.
        unknown_as (str): ``'ignore'`` masks the -1 entries out; any other
            rule keeps them (the element-wise loss has resolved them).
        reduction (str): One of ``REDUCTIONS``.
        avg_factor (float, optional): Denominator of ``'mean'``.

    Returns:
        Tensor: Scalar, or (B, C) with ``reduction='none'``.
    """
    mask = unknown_mask(target, weight, unknown_as)
    if mask is not None:
        loss = loss * mask
    return reduce_loss(loss, mask, reduction, avg_factor)


class MultiLabelLossBase(nn.Module):
    """Base class of the multi-label loss modules on (B, C) logits and
    (B, C) targets (docs/conventions.md, section 4).

    It holds the base arguments and the one checked :meth:`forward`: that
    validates the inputs (:func:`checked_inputs`), calls
    :meth:`loss_function` (the part a subclass defines) and multiplies by
    ``loss_weight``. :class:`MLCLossBase` is the element-wise kind;
    ``VPULoss`` (batch statistics, (C,) per-class terms with ``'none'``)
    and ``PUMixupConsistencyLoss`` (soft targets) derive from this class.

    Input values are validated on the first call only, shapes on every
    call (see :func:`checked_inputs`; no host-device synchronisation in
    later steps except with ``unknown_as='error'``). The class attribute
    ``target_values`` says what the targets are: ``'observed'`` labels in
    {1, 0, -1} (default), or ``'soft'`` probabilities in [0, 1] (NaN or a
    value outside is refused), which have no unknowns: such a loss sets
    ``unknown_modes = ('none',)`` and ``default_unknown_as = 'none'``.

    Observed unknown (-1) entries are resolved by ``unknown_as``, one of
    the class attribute ``unknown_modes``:

    - ``'ignore'``: masked out (zero loss and zero gradient).
    - ``'negative'``: treated as 0 with weight 1.
    - ``'error'``: any -1 raises.
    - a method-specific mode a subclass adds to ``unknown_modes`` (and
      then handles ``t == -1`` itself).

    Args:
        reduction (str, optional): One of the class attribute
            ``reductions``: ``'none'``, ``'sum'``, ``'global_sum'``,
            ``'mean'`` (sum over the number of entries with ``M > 0``, or
            over ``avg_factor``) or ``'batchmean'`` (sum / B); None (the
            default) is the class attribute ``default_reduction``.
            ``'global_sum'`` (also its logged value) is the local sum times
            the world size: DDP's gradient averaging then yields the
            gradient of the sum over all ranks' samples (one process on the
            whole batch); ``'sum'`` in a single process.
        loss_weight (float): Multiplier of the reduced loss. Defaults to 1.0.
        unknown_as (str, optional): Treatment of -1 entries; None (the
            default) is the class attribute ``default_unknown_as`` (the
            paper's choice).

    Subclasses take their own hyper-parameters and pass these three on
    (``**base_args``).
    """

    default_reduction: str = 'mean'
    default_unknown_as: str = 'ignore'
    #: the accepted values of ``reduction`` and ``unknown_as``
    reductions: Tuple[str, ...] = REDUCTIONS
    unknown_modes: Tuple[str, ...] = ('ignore', 'negative', 'error')
    target_values: str = 'observed'

    def __init__(self,
                 reduction: Optional[str] = None,
                 loss_weight: float = 1.0,
                 unknown_as: Optional[str] = None,
                 **unexpected) -> None:
        super().__init__()
        name = type(self).__name__
        if unexpected:
            # a subclass passes its unnamed arguments on: name the loss
            raise TypeError(f'{name}: unexpected argument(s) '
                            f'{sorted(unexpected)}')
        reduction = reduction or self.default_reduction
        unknown_as = unknown_as or self.default_unknown_as
        check_choice(name, 'unknown_as', unknown_as, self.unknown_modes)
        check_choice(name, 'reduction', reduction, self.reductions)
        self.reduction = reduction
        self.loss_weight = loss_weight
        self.unknown_as = unknown_as
        self._checked = False

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """The reduced loss (before ``loss_weight``) of the checked float
        logits ``z`` (B, C) against the float targets ``t`` (B, C) (see
        ``target_values``); ``ctx`` holds the method inputs of
        :meth:`forward`."""
        raise NotImplementedError(
            f'{type(self).__name__} must define loss_function')

    def forward(self,
                cls_score: torch.Tensor,
                target: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                reduction_override: Optional[str] = None,
                **ctx) -> torch.Tensor:
        """Compute the loss.

        Args:
            cls_score (Tensor): (B, C) logits (half precision is computed
                in float32, float64 stays float64).
            target (Tensor): (B, C) targets: in {1, 0, -1}, or in [0, 1]
                with ``target_values='soft'``.
            weight (Tensor, optional): (B,) or (B, C) non-negative weights.
            avg_factor (float, optional): Denominator of ``'mean'``.
            reduction_override (str, optional): Overrides ``reduction``.
            **ctx: Method inputs (``epoch``, ``sample_idx``, ...).

        Returns:
            Tensor: Scalar, or the unreduced loss with ``reduction='none'``
            ((B, C) for an element-wise loss).
        """
        reduction = reduction_override or self.reduction
        with autocast_off(cls_score):  # matrix products stay float32
            loss = self.loss_function(*checked_inputs(
                self, cls_score, target, weight, reduction, self.reductions),
                weight, reduction, avg_factor, **ctx)
        return loss if self.loss_weight == 1 else self.loss_weight * loss


class MLCLossBase(MultiLabelLossBase):
    """Base class of element-wise multi-label losses (docs/conventions.md,
    section 4): the inputs, checks, base arguments and unknown modes of
    :class:`MultiLabelLossBase`, with a (B, C) loss per entry.

    Every subclass has a pure functional form beside it (``hill_loss`` for
    :class:`HillLoss`, ...: logits, targets, weight, the hyper-parameters,
    ``reduction``, ``avg_factor``, ``unknown_as``) that resolves unknowns,
    applies the mask ``M = expand(weight) * m_unknown`` (see
    :func:`weight_reduce_loss`) and reduces. A subclass names that function
    (``functional``) and the attributes holding its hyper-parameters, in
    the function's order (``hyper_parameters``); :meth:`loss_function`
    calls it with them (the stateful losses override
    :meth:`loss_function`). The functional forms do not validate their
    inputs; the inherited :meth:`forward` does.

    Args: ``reduction``, ``loss_weight`` and ``unknown_as``, see
    :class:`MultiLabelLossBase`; subclasses take their own
    hyper-parameters and pass these three on (``**base_args``).
    """

    #: the functional form (a ``staticmethod``) and the names of the module
    #: attributes passed as its hyper-parameters, in its argument order
    functional: Callable[..., torch.Tensor]
    hyper_parameters: Tuple[str, ...] = ()

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float], **ctx) -> torch.Tensor:
        """The reduced loss (before ``loss_weight``) of the float logits
        ``z`` (B, C) against the float observed targets ``t`` (B, C) in
        {1, 0, -1}: ``functional`` called with the module's
        ``hyper_parameters`` and ``unknown_as``."""
        hyper = [getattr(self, name) for name in self.hyper_parameters]
        return self.functional(z, t, weight, *hyper, reduction, avg_factor,
                               self.unknown_as)


class SumNegativeLossBase(MLCLossBase):
    """:class:`MLCLossBase` with the defaults of the missing-label
    papers' code (ASL, Hill, SPLC, RLC, COMIC's Multi-Focal Modifier): the
    loss is summed over the batch (``reduction='sum'``) and unknown
    (missing) labels count as negatives (``unknown_as='negative'``;
    ``'ignore'`` and ``'error'`` are the other modes)."""

    default_reduction = 'sum'
    default_unknown_as = 'negative'
