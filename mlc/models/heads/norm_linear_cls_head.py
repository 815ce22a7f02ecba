"""Normalised (cosine) multi-label classifier with TDE adjustment."""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule

from mlc.registry import MODELS
from mlc.utils.choices import check_choice

TDE_MODES = ('none', 'head', 'tail')


@MODELS.register_module()
class NormLinearClsHead(BaseModule):
    """NormLinear classifier of COMIC, no bias.

    Weights and features are split into ``groups`` chunks;
    ``ŵ_{c,j} = W_{c,j} / (‖W_{c,j}‖ + eta)``, ``f̂_j = f_j / ‖f_j‖`` and
    ``z_c = (scale / groups) Σ_j ŵ_{c,j} · f̂_j``. With a feature memory
    ``e`` (the TDE moving vector), ``ê_j = e_j / ‖e_j‖`` and
    ``d_c = (scale / groups) Σ_j (f̂_j · ê_j)(ŵ_{c,j} · ê_j)``; the adjusted
    logits are ``z - d`` (``tde='head'``), ``z + tde_alpha · d``
    (``tde='tail'``) or ``z`` (``tde='none'``).

    Args:
        num_classes (int): C.
        in_channels (int): Feature dimension.
        scale (float): ρ. Defaults to 16.
        eta (float): η. Defaults to 1/32.
        groups (int): N_g. Defaults to 1.
        tde (str): ``'none'``, ``'head'`` or ``'tail'``.
        tde_alpha (float): α_tde of the tail adjustment. Defaults to 2.
        init_cfg (dict, optional): Defaults to U(±1/√in_channels).
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 scale: float = 16.,
                 eta: float = 1. / 32,
                 groups: int = 1,
                 tde: str = 'none',
                 tde_alpha: float = 2.,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        check_choice('NormLinearClsHead', 'tde', tde, TDE_MODES)
        if in_channels % groups:
            raise ValueError(f'NormLinearClsHead: in_channels ({in_channels})'
                             f' must be divisible by groups ({groups})')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.scale = scale
        self.eta = eta
        self.groups = groups
        self.tde = tde
        self.tde_alpha = tde_alpha
        self.weight = nn.Parameter(torch.empty(num_classes, in_channels))
        bound = 1 / math.sqrt(in_channels)
        nn.init.uniform_(self.weight, -bound, bound)

    def _chunks(self, x: torch.Tensor) -> torch.Tensor:
        """(..., D) -> (..., groups, D / groups)."""
        return x.reshape(*x.shape[:-1], self.groups, -1)

    def forward(self, feats: torch.Tensor,
                memory: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Logits and TDE-adjusted logits.

        Args:
            feats (Tensor): (B, D) branch features f.
            memory (Tensor, optional): (D,) feature memory e (needed unless
                ``tde='none'``).

        Returns:
            tuple: (B, C) logits z and (B, C) adjusted logits ẑ.
        """
        w = self._chunks(self.weight)                         # C, G, D/G
        w_hat = w / (w.norm(dim=-1, keepdim=True) + self.eta)
        f_hat = F.normalize(self._chunks(feats), dim=-1)      # B, G, D/G
        factor = self.scale / self.groups
        logits = factor * torch.einsum('bgd,cgd->bc', f_hat, w_hat)
        if self.tde == 'none':
            return logits, logits
        if memory is None:
            raise ValueError(f"NormLinearClsHead(tde='{self.tde}') needs the "
                             'feature memory')
        e_hat = F.normalize(self._chunks(memory.to(feats)), dim=-1)  # G, D/G
        cos = torch.einsum('bgd,gd->bg', f_hat, e_hat)
        proj = torch.einsum('cgd,gd->cg', w_hat, e_hat)
        bias = factor * cos @ proj.T
        if self.tde == 'head':
            return logits, logits - bias
        return logits, logits + self.tde_alpha * bias
