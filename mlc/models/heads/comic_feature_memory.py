"""COMIC's per-branch feature memory (the TDE "moving vector")."""
from typing import Dict, Sequence

import torch
import torch.nn as nn

from mlc.utils.dist import all_reduce_sum


class ComicFeatureMemory(nn.Module):
    """Buffers ``feat_<branch>`` (D,) updated as
    ``e ← momentum · e + mean_batch(f)`` (no (1 - momentum) factor, no bias
    correction; only the direction of ``e`` is used). The batch mean is
    global: sums and counts are all-reduced over ranks.

    Args:
        branches (Sequence[str]): Branch names, e.g. ``('h', 't', 'b')``.
        dim (int): Feature dimension D.
    """

    def __init__(self, branches: Sequence[str], dim: int) -> None:
        super().__init__()
        self.branches = tuple(branches)
        for name in self.branches:
            self.register_buffer(f'feat_{name}', torch.zeros(dim))

    def get(self, branch: str) -> torch.Tensor:
        """(D,) memory of ``branch``."""
        return getattr(self, f'feat_{branch}')

    @torch.no_grad()
    def update(self, feats: Dict[str, torch.Tensor],
               momentum: float) -> None:
        """Update every branch from its (B, D) features."""
        rows = [torch.cat([feats[name].detach().float().sum(0),
                           feats[name].new_tensor([feats[name].shape[0]])
                           .float()]) for name in self.branches]
        sums = all_reduce_sum(torch.stack(rows))
        for name, row in zip(self.branches, sums):
            memory = self.get(name)
            memory.mul_(momentum).add_((row[:-1] / row[-1]).to(memory))
