"""Variational positive-unlabeled loss of PU-MLC (arXiv 2306.16016)."""
import logging
from typing import Callable, Dict, Optional, Tuple

import torch
import torch.distributed as torch_dist
import torch.nn.functional as F
from mmengine.dist import get_world_size, is_distributed
from mmengine.logging import print_log

from mlc.registry import MODELS
from mlc.utils.choices import check_choice
from mlc.utils.dist import all_reduce_sum
from .mlc_loss_base import MultiLabelLossBase


def _global_sum(local: torch.Tensor) -> torch.Tensor:
    """Sum over ranks whose gradient flows to the local summand only."""
    total = all_reduce_sum(local.detach().clone())
    return local + (total - local.detach())


def _gather_detached(x: torch.Tensor) -> torch.Tensor:
    """(sum of B over ranks, C) detached rows of every rank (padded)."""
    count = torch.tensor([x.shape[0]], device=x.device)
    counts = [torch.zeros_like(count) for _ in range(get_world_size())]
    torch_dist.all_gather(counts, count)
    counts = [int(c) for c in counts]
    pad = max(counts) - x.shape[0]
    padded = torch.cat([x.detach(), x.new_zeros((pad, *x.shape[1:]))])
    rows = [torch.empty_like(padded) for _ in counts]
    torch_dist.all_gather(rows, padded)
    return torch.cat([r[:n] for r, n in zip(rows, counts)])


@MODELS.register_module()
class VPULoss(MultiLabelLossBase):
    """Variational PU loss with temperature and re-balance exponent (PU-MLC).

    Per class c over the batch, with positives
    ``P_c = {b : t_bc = 1}`` and every sample unlabeled:

    - temperature ``s_c = clamp(temp_scale * std_b(z_bc), temp_min, 1)``
      (population std, no gradient), ``phi = sigmoid(z / s_c)``; a batch
      (chunk) of one sample has no spread, so there ``s_c = 1`` (guard: the
      std is 0 and ``s_c = temp_min`` would scale the logits by 1e4);
    - ``L_P = sum_c mean_{b in P_c} log phi_bc`` (0 for a class without
      positives);
    - ``m_c = mean_b phi_bc``, ``w_c = m_c ** rebalance_gamma`` (no
      gradient), ``L_U = sum_c w_c log(m_c + 1e-10)``;
    - loss ``L_U - L_P``.

    The loss is not element-wise (means over the batch inside a log), so it
    is a :class:`MultiLabelLossBase` (its checked ``forward`` and base
    arguments) but not an :class:`MLCLossBase`; the part it defines,
    :meth:`loss_function`, is :func:`vpu_loss`. A weight ``w_bc`` turns
    both means into weighted means (weight 0 removes the entry from both);
    the temperature always uses the whole batch.

    Args:
        temp_scale (float): alpha of the temperature (code ``--alpha``).
            Defaults to 1.0 (COCO).
        rebalance_gamma (float): gamma of the re-balance weight (code
            ``--gamma``). Defaults to 0.55 (COCO).
        temp_min (float): Lower bound of ``s_c`` (guard: the code divides by
            ~0 when a class's logits are constant in a batch). 1e-4.
        negatives (str): ``'discard'`` (code: observed negatives are just
            unlabeled) or ``'exclude'`` (drop samples with t_bc = 0 from the
            unlabeled mean of class c).
        unknown_as (str, optional): ``'unlabeled'`` (the PU rule; also
            None) or ``'error'``.
        reduction (str, optional): ``'sum'`` over classes (paper; also
            None), ``'mean'`` over classes (or / ``avg_factor``), ``'none'``
            (C,) per-class terms.
        loss_weight (float): Multiplier. Defaults to 1.0.
        sync_batch_stats (bool): Compute ``std_c``, ``m_c`` and the positive
            means over the global batch of all ranks (differentiable in the
            local part; gradients are scaled by the world size so that DDP's
            averaging yields the gradient of the global loss). Default False:
            per-rank statistics, as the 2-GPU code.
        stat_chunk (int, optional): Split the batch into chunks of this size
            with their own statistics and average the chunk losses (emulates
            the 2 x 35 statistics of the code with one process of 70).
    """

    default_reduction = 'sum'
    default_unknown_as = 'unlabeled'
    reductions = ('none', 'sum', 'mean')
    unknown_modes = ('unlabeled', 'error')

    def __init__(self,
                 temp_scale: float = 1.0,
                 rebalance_gamma: float = 0.55,
                 temp_min: float = 1e-4,
                 negatives: str = 'discard',
                 unknown_as: Optional[str] = 'unlabeled',
                 reduction: Optional[str] = 'sum',
                 loss_weight: float = 1.0,
                 sync_batch_stats: bool = False,
                 stat_chunk: Optional[int] = None,
                 eps: float = 1e-10) -> None:
        super().__init__(reduction=reduction, loss_weight=loss_weight,
                         unknown_as=unknown_as)
        name = type(self).__name__
        check_choice(name, 'negatives', negatives, ('discard', 'exclude'))
        if not 0 < temp_min <= 1:
            raise ValueError(f'{name}: temp_min must be in (0, 1]')
        if stat_chunk is not None and (stat_chunk < 1 or sync_batch_stats):
            raise ValueError(f'{name}: stat_chunk must be >= 1 and cannot '
                             'be combined with sync_batch_stats')
        self.temp_scale = temp_scale
        self.rebalance_gamma = rebalance_gamma
        self.temp_min = temp_min
        self.negatives = negatives
        self.sync_batch_stats = sync_batch_stats
        self.stat_chunk = stat_chunk
        self.eps = eps
        self._warned_single = False

    def loss_function(self, z: torch.Tensor, t: torch.Tensor,
                      weight: Optional[torch.Tensor], reduction: str,
                      avg_factor: Optional[float],
                      stats: Optional[Dict[str, torch.Tensor]] = None,
                      **ctx) -> torch.Tensor:
        """:func:`vpu_loss` of the checked float logits ``z`` (B, C) and
        targets ``t`` (B, C): a scalar, or (C,) per-class terms with
        ``'none'`` (before ``loss_weight``); a given ``stats`` dict receives
        the diagnostics (see :meth:`loss_and_stats`)."""
        loss, computed = vpu_loss(
            z, t, weight, self.temp_scale, self.rebalance_gamma,
            self.temp_min, self.negatives, self.sync_batch_stats,
            self.stat_chunk, self.eps, reduction, avg_factor,
            return_stats=stats is not None,
            on_single_sample=self._warn_single_sample)
        if stats is not None:
            stats.update(computed)
        return loss

    def loss_and_stats(
            self,
            cls_score: torch.Tensor,
            target: torch.Tensor,
            weight: Optional[torch.Tensor] = None,
            avg_factor: Optional[float] = None,
            reduction_override: Optional[str] = None
    ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
        """The loss (:meth:`forward`) and detached diagnostics.

        Diagnostic keys avoid the substring ``loss`` (mmengine sums those):
        ``pu_pos`` (L_P), ``pu_unl`` (L_U), ``pu_temp_mean``/``pu_temp_min``
        (s_c), ``pu_num_temp_floor`` (classes at ``temp_min``),
        ``pu_rebalance_mean`` (w_c), ``pu_num_cls_no_pos``.
        """
        stats: Dict[str, torch.Tensor] = {}
        loss = self.forward(cls_score, target, weight, avg_factor,
                            reduction_override, stats=stats)
        return loss, stats

    def _warn_single_sample(self) -> None:
        """Say once that a one-sample batch was not sharpened."""
        if not self._warned_single:
            self._warned_single = True
            print_log(f'{type(self).__name__}: a batch (or stat_chunk) of one '
                      'sample has no logit spread; its temperature is 1',
                      logger='current', level=logging.WARNING)


def vpu_loss(pred: torch.Tensor,
             target: torch.Tensor,
             weight: Optional[torch.Tensor] = None,
             temp_scale: float = 1.0,
             rebalance_gamma: float = 0.55,
             temp_min: float = 1e-4,
             negatives: str = 'discard',
             sync_batch_stats: bool = False,
             stat_chunk: Optional[int] = None,
             eps: float = 1e-10,
             reduction: str = 'sum',
             avg_factor: Optional[float] = None,
             return_stats: bool = False,
             on_single_sample: Optional[Callable[[], None]] = None
             ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    """Variational PU loss (see :class:`VPULoss`; no input validation).

    Args:
        pred (Tensor): (B, C) logits (half precision is computed in float32).
        target (Tensor): (B, C) targets in {1, 0, -1}.
        weight (Tensor, optional): (B,) or (B, C) non-negative weights.
        temp_scale (float): alpha of the temperature. Defaults to 1.0.
        rebalance_gamma (float): gamma of the re-balance weight. 0.55.
        temp_min (float): Lower bound of the temperature. 1e-4.
        negatives (str): ``'discard'`` or ``'exclude'``.
        sync_batch_stats (bool): Statistics over the global batch of all
            ranks. Defaults to False.
        stat_chunk (int, optional): Chunks with their own statistics.
        eps (float): Added inside the log of L_U. Defaults to 1e-10.
        reduction (str): ``'sum'`` over classes (default), ``'mean'`` over
            classes (or / ``avg_factor``) or ``'none'`` (C,).
        avg_factor (float, optional): Denominator of ``'mean'``.
        return_stats (bool): Also compute the detached diagnostics (see
            :meth:`VPULoss.loss_and_stats`); else the dict is empty.
        on_single_sample (callable, optional): Called when a batch (or
            chunk) of one sample keeps temperature 1.

    Returns:
        tuple: The loss (scalar, or (C,) with ``'none'``) and the
        diagnostics.
    """
    z = pred if pred.dtype == torch.float64 else pred.float()
    t = target.to(z)
    if weight is None:
        w = z.new_ones(()).expand_as(z)
    else:
        w = weight.to(z)
        w = (w[:, None] if w.dim() == 1 else w).expand_as(z)
    chunk = stat_chunk or z.shape[0]
    parts = [
        _per_class(zc, tc, wc, temp_scale, rebalance_gamma, temp_min,
                   negatives, sync_batch_stats, eps, return_stats,
                   on_single_sample)
        for zc, tc, wc in zip(z.split(chunk), t.split(chunk), w.split(chunk))
    ]
    if len(parts) == 1:
        per_class, stats = parts[0]
    else:
        per_class = torch.stack([p[0] for p in parts]).mean(0)
        stats = {
            key: torch.stack([p[1][key] for p in parts]).mean(0)
            for key in parts[0][1]
        }
    if reduction == 'none':
        loss = per_class
    elif reduction == 'sum':
        loss = per_class.sum()
    else:
        loss = per_class.sum() / (avg_factor or per_class.numel())
    return loss, stats


def _per_class(z: torch.Tensor, t: torch.Tensor, w: torch.Tensor,
               temp_scale: float, rebalance_gamma: float, temp_min: float,
               negatives: str, sync_batch_stats: bool, eps: float,
               with_stats: bool,
               on_single_sample: Optional[Callable[[], None]]
               ) -> Tuple[torch.Tensor, Dict[str, torch.Tensor]]:
    """(C,) terms ``L_U,c - L_P,c`` of one (b, C) chunk and its
    diagnostics."""
    sync = sync_batch_stats and is_distributed()
    z_all = _gather_detached(z) if sync else z.detach()
    if z_all.shape[0] == 1:
        temp = torch.ones_like(z_all[0])
        if on_single_sample is not None:
            on_single_sample()
    else:
        std = z_all.std(dim=0, unbiased=False)
        temp = (temp_scale * std).clamp(temp_min, 1.0)
    zt = z / temp
    pos_w = w * (t == 1).to(z)
    unl_w = w if negatives == 'discard' else w * (t != 0).to(z)
    pos_sum = (pos_w * F.logsigmoid(zt)).sum(0)
    unl_sum = (unl_w * torch.sigmoid(zt)).sum(0)
    pos_cnt, unl_cnt = pos_w.sum(0).detach(), unl_w.sum(0).detach()
    if sync:
        pos_sum, unl_sum = _global_sum(pos_sum), _global_sum(unl_sum)
        pos_cnt = all_reduce_sum(pos_cnt.clone())
        unl_cnt = all_reduce_sum(unl_cnt.clone())
    has_pos, has_unl = pos_cnt > 0, unl_cnt > 0
    pos_term = torch.where(has_pos, pos_sum / pos_cnt.clamp(min=1e-12),
                           torch.zeros_like(pos_sum))
    mean_phi = unl_sum / unl_cnt.clamp(min=1e-12)
    rebalance = mean_phi.detach().clamp(min=0)**rebalance_gamma
    unl_term = torch.where(has_unl,
                           rebalance * torch.log(mean_phi + eps),
                           torch.zeros_like(unl_sum))
    per_class = unl_term - pos_term
    if sync:
        # DDP averages gradients over ranks: scale the local gradient by
        # the world size so the update is the global loss's gradient
        world = get_world_size()
        per_class = per_class + (world - 1) * (per_class -
                                               per_class.detach())
    if not with_stats:
        return per_class, {}
    stats = dict(
        pu_pos=pos_term.detach().sum(),
        pu_unl=unl_term.detach().sum(),
        pu_temp_mean=temp.mean(),
        pu_temp_min=temp.min(),
        pu_num_temp_floor=(temp <= temp_min).sum().to(z),
        pu_rebalance_mean=rebalance.mean(),
        pu_num_cls_no_pos=(~has_pos).sum().to(z))
    return per_class, stats
