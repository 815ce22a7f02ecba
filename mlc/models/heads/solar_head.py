"""SoLar: Sinkhorn label refinery for imbalanced PLL."""
import math
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.dist import get_rank

from mlc.models.utils.pll_state import rank_tag
from mlc.models.utils.sinkhorn import sinkhorn
from mlc.registry import MODELS
from mlc.utils.dist import all_gather_rows
from .pll_linear_head import PLLLinearHead


def soft_ce(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(B,) −Σ_k t_k log softmax(z)_k."""
    return -(target * F.log_softmax(logits, 1)).sum(1)


def select_reliable(plan: torch.Tensor, sl_loss: torch.Tensor,
                    probs: torch.Tensor, prior: torch.Tensor, rho: float,
                    tau: float) -> torch.Tensor:
    """SoLar's selection: per class k the ⌈B·r̂_k·ρ⌉ (clipped to
    [1, n_k]) samples with ŷ = k and the smallest ℓ^SL, plus every sample
    with Σ_k T_ik p_ik > τ.

    Returns:
        Tensor: (B,) bool mask of the selected (reliable) samples.
    """
    batch = plan.shape[0]
    pseudo = plan.argmax(1)
    chosen = torch.zeros(batch, dtype=torch.bool, device=plan.device)
    for k in pseudo.unique().tolist():
        members = torch.nonzero(pseudo == k).flatten()
        take = max(min(int(math.ceil(batch * float(prior[k]) * rho)),
                       members.numel()), 1)
        order = sl_loss[members].argsort(stable=True)
        chosen[members[order[:take]]] = True
    return chosen | ((plan * probs).sum(1) > tau)


@MODELS.register_module()
class SoLarHead(PLLLinearHead):
    """SoLar training step on (weak, strong) views.

    p = softmax(z^w) (detached), M = p ⊙ Y (Y = S⁰). M rows of the global
    batch are gathered; Sinkhorn runs on [queue; batch] once the queue is
    full (else on the batch) with r̂ = ``state.prior``; T of this rank's rows
    gives pseudo-labels. ℓ^RN = −Σ w log p (PRODEN weights w =
    ``state.conf``), ℓ^SL = −Σ T log p. Epoch 0 of a stage (or nothing
    selected): mean ℓ^RN; else η_t·[mean_A ℓ^SL + mean_A CE(T, p^s) +
    L_mix] + (1 − η_t)·mean_U ℓ^RN, with a Beta(4, 4) mixup of the weak
    images of A (extra forward). After the step (``ConfidenceUpdateHook``)
    w ← normalise(p ⊙ Y) and the batch M rows enter the queue; r̂ is updated
    per epoch by ``SoLarPriorHook``.

    Args:
        num_classes (int): C.
        in_channels (int): Feature dimension.
        lam (float): Sinkhorn exponent λ_s. Defaults to 3.
        eta (float): Final η. Defaults to 0.9.
        tau (float): High-confidence threshold τ. Defaults to 0.99.
        rho_range (tuple): (ρ_start, ρ_end). Defaults to (0.2, 0.6).
        warmup_epochs (int): Ramp length of η and ρ. Defaults to 50.
        queue_length (int): Queue rows (batches × global batch size);
            0 disables the queue. Defaults to 0.
        sinkhorn_iters (int): Sinkhorn iterations. Defaults to 50.
        mixup_alpha (float): Beta(α, α) of the mixup. Defaults to 4.
        init_cfg (dict, optional): Initialisation of ``fc``.
    """

    def __init__(self, num_classes: int, in_channels: int, lam: float = 3.,
                 eta: float = 0.9, tau: float = 0.99,
                 rho_range: Sequence[float] = (0.2, 0.6),
                 warmup_epochs: int = 50, queue_length: int = 0,
                 sinkhorn_iters: int = 50, mixup_alpha: float = 4.,
                 init_cfg: Optional[Dict] = None) -> None:
        super().__init__(num_classes, in_channels,
                         loss=dict(type='PRODENLoss'),
                         mixup_alpha=mixup_alpha, init_cfg=init_cfg)
        self.num_views = 2
        self.lam, self.eta, self.tau = lam, eta, tau
        self.rho_start, self.rho_end = rho_range
        self.warmup_epochs, self.queue_length = warmup_epochs, queue_length
        self.sinkhorn_iters = sinkhorn_iters

    def prior_estimate(self, state) -> torch.Tensor:
        """(C,) SoLar's class-prior estimate r̂ (``state.prior``)."""
        return state.prior

    def ramp(self, epoch: int) -> float:
        if self.warmup_epochs <= 0:
            return 1.
        return min(epoch / self.warmup_epochs, 1.)

    def refine(self, state, cost: torch.Tensor) -> torch.Tensor:
        """Sinkhorn plan of this rank's rows; schedules the global rows for
        the queue."""
        batch = cost.shape[0]
        _, tagged = all_gather_rows(
            torch.zeros(batch, dtype=torch.long, device=cost.device),
            torch.cat([cost, rank_tag(batch, cost.device)], 1))
        mine = tagged[:, -1] == float(get_rank())
        global_cost = tagged[:, :-1]
        inputs = torch.cat([state.queue, global_cost]) if state.queue_full \
            else global_cost
        plan = sinkhorn(inputs, state.prior, self.lam, self.sinkhorn_iters)
        plan = plan[-global_cost.shape[0]:][mine]
        return plan, global_cost

    def loss(self, model, views: List[torch.Tensor],
             idx: torch.Tensor) -> dict:
        state, epoch = model.state, model.train_epoch
        if len(views) != 2:
            raise ValueError(f'SoLarHead: expects 2 views (weak, strong), '
                             f'the pipeline gives {len(views)}')
        (z_w, z_s), _ = model.forward_views(views)
        probs = F.softmax(z_w.detach().float(), 1)
        cost = probs * state.mask_rows(idx).float()
        plan, global_cost = self.refine(state, cost)
        rn = soft_ce(z_w.float(), state.conf_rows(idx))
        sl = soft_ce(z_w.float(), plan)
        eta = self.eta * self.ramp(epoch)
        rho = self.rho_start + (self.rho_end - self.rho_start) * \
            self.ramp(epoch)
        chosen = select_reliable(plan, sl.detach(), probs, state.prior, rho,
                                 self.tau)
        state.stage_rows('conf', idx, cost / cost.sum(
            1, keepdim=True).clamp_min(torch.finfo(cost.dtype).tiny))
        state.stage_values(
            queue_rows=global_cost if self.queue_length else None)
        diag = dict(solar_selected=chosen.float().mean(),
                    solar_rho=z_w.new_tensor(rho),
                    solar_eta=z_w.new_tensor(eta))
        if epoch < 1 or not chosen.any():
            return dict(loss_rn=rn.mean(), **diag)
        sel = torch.nonzero(chosen).flatten()
        unsel = torch.nonzero(~chosen).flatten()
        loss_sin = sl[sel].mean()
        loss_cons = soft_ce(z_s.float()[sel], plan[sel]).mean()
        lam, perm = self.mixup_draw(model, sel.numel())
        perm = perm.to(sel.device)
        x_sel, t_sel = views[0][sel], plan[sel]
        logits_mix, _ = model.forward_views(
            [lam * x_sel + (1 - lam) * x_sel[perm]])
        loss_mix = soft_ce(logits_mix[0].float(),
                           lam * t_sel + (1 - lam) * t_sel[perm]).mean()
        loss_unrel = rn[unsel].mean() if unsel.numel() else rn.sum() * 0
        return dict(loss_sin=eta * loss_sin, loss_cons=eta * loss_cons,
                    loss_mix=eta * loss_mix,
                    loss_rn=(1 - eta) * loss_unrel, **diag)
