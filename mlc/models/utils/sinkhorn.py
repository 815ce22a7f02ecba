"""Sinkhorn-Knopp label refinery of SoLar."""
import torch

from .autocast_off import autocast_off


@torch.no_grad()
def sinkhorn(cost: torch.Tensor, prior: torch.Tensor, lam: float = 3.,
             num_iters: int = 50, tol: float = 0.1,
             _relaxed: bool = False) -> torch.Tensor:
    """Transport plan with rows ≈ 1 and class totals ≈ N·prior.

    K = cost^λ laid out classes × samples, v = 1/N; repeat
    α ← r̂ ⊘ (K v), v ← (1/N) ⊘ (Kᵀ α); T_nk = N α_k K_nk v_n. Every 10
    iterations the official stop test ``sum(v) + sum(α) < tol`` is checked
    (it practically never fires). On NaN the zero entries of ``cost`` get
    1e-5, the plan is recomputed and re-masked to the original support.

    Args:
        cost (Tensor): (N, C) non-negative scores M = p ⊙ Y.
        prior (Tensor): (C,) target class proportions r̂ (sums to 1).
        lam (float): Exponent λ_s.
        num_iters (int): Maximum iterations.
        tol (float): Stop threshold of the official early-stop test.

    Returns:
        Tensor: (N, C) plan T (float32 or the input's float dtype; computed
        with autocast off).
    """
    with autocast_off(cost):
        return _sinkhorn(cost, prior, lam, num_iters, tol, _relaxed)


def _sinkhorn(cost: torch.Tensor, prior: torch.Tensor, lam: float,
              num_iters: int, tol: float, _relaxed: bool) -> torch.Tensor:
    """The iterations of :func:`sinkhorn`."""
    num = cost.shape[0]
    kernel = cost.t().pow(lam)  # (C, N)
    r_init = prior.reshape(-1, 1).to(kernel)
    v = torch.full((num, 1), 1. / num, dtype=kernel.dtype,
                   device=kernel.device)
    alpha = r_init
    err = float('inf')
    for i in range(1, num_iters + 1):
        if err < tol:
            break
        alpha = r_init / (kernel @ v)
        v_new = (1. / num) / (alpha.t() @ kernel).t()
        if i % 10 == 0:
            err = float(v_new.sum() + alpha.sum())
            if err != err and not _relaxed:  # NaN
                relaxed = _sinkhorn(cost + 1e-5 * (cost == 0), prior, lam,
                                    num_iters, tol, _relaxed=True)
                return relaxed * (cost != 0)
        v = v_new
    return (kernel * v.t()).t() * alpha.t() * num
