"""Additive (Bahdanau) attention fusing COMIC's head/tail features."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from mlc.registry import MODELS


@MODELS.register_module()
class AdditiveAttention(BaseModule):
    """``f* = f_q + scale · Σ_j a_j v_j`` with
    ``a = softmax_j(w_vᵀ tanh(W_q q + W_k k_j))`` and dropout on ``a``.

    Keys and values are the same features (COMIC: f_h, f_t); the query is
    the balanced feature f_b. No biases. Dropout masks are drawn from the
    module's own generator, whose state (``rng_state``) is checkpointed.

    Args:
        dim (int): Feature dimension. Defaults to 1024.
        dropout (float): Dropout on the attention weights. Defaults to 0.1.
        scale (float): Factor ``s`` of the residual. Defaults to 0.1.
        init_cfg (dict, optional): Initialisation.
    """

    def __init__(self, dim: int = 1024, dropout: float = 0.1,
                 scale: float = 0.1, init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.w_q = nn.Linear(dim, dim, bias=False)
        self.w_k = nn.Linear(dim, dim, bias=False)
        self.w_v = nn.Linear(dim, 1, bias=False)
        if not 0 <= dropout < 1:
            raise ValueError(f'AdditiveAttention: dropout must be in [0, 1), '
                             f'got {dropout}')
        self.dropout = dropout
        self.scale = scale
        # the dropout masks come from an own generator whose state is a
        # buffer: checkpointed, so a resumed run draws the same masks
        seed = int(torch.randint(2**62, (1, )))
        self.register_buffer('rng_state',
                             torch.Generator().manual_seed(seed).get_state())

    def _dropout(self, weights: torch.Tensor) -> torch.Tensor:
        """Inverted dropout of the (B, K) weights (training only)."""
        if not self.training or self.dropout == 0:
            return weights
        gen = torch.Generator()
        gen.set_state(self.rng_state.cpu())
        keep = torch.rand(weights.shape, generator=gen) >= self.dropout
        self.rng_state.copy_(gen.get_state())
        return weights * keep.to(weights) / (1 - self.dropout)

    def forward(self, query: torch.Tensor, keys: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Fuse ``keys`` into ``query``.

        Args:
            query (Tensor): (B, D).
            keys (Tensor): (B, K, D) keys = values.

        Returns:
            tuple: (B, D) fused features and (B, K) attention weights
            (before dropout).
        """
        scores = self.w_v(torch.tanh(self.w_q(query)[:, None] +
                                     self.w_k(keys))).squeeze(-1)
        weights = scores.softmax(dim=1)
        context = (self._dropout(weights)[..., None] * keys).sum(1)
        return query + self.scale * context, weights
