"""Per-branch label memory of co-learning's write-back option."""
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn

from mlc.utils.dist import all_gather_rows, keep_last
from .lazy_buffers import resize_buffers_from


class BranchLabelMemory(nn.Module):
    """Corrected labels of every training sample, one table per branch
    (stitchup_colearning.md §7, ``write_back=True``).

    Each branch's labels are corrected by the other branch, so each branch
    has its own (N, C) int8 table in {1, 0, -1}, a buffer named after the
    branch. Tables start empty and are filled by :meth:`initialize` (from the
    training labels) or by a loaded checkpoint, which resizes them.

    The model reads rows with :meth:`rows` and stores a step's corrected
    rows with :meth:`set_pending`; :meth:`commit` (called by
    ``CoLearningCorrectionHook`` after the optimiser step) gathers the rows
    of every rank in rank order and writes them, so all ranks hold
    identical tables (the last writer in rank order wins for a sample seen
    twice).

    Args:
        names (Sequence[str]): Branch names.
    """

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = tuple(names)
        for name in self.names:
            self.register_buffer(name, torch.zeros((0, 0), dtype=torch.int8))
        self.pending: Dict[str, Tuple[torch.Tensor, torch.Tensor]] = {}

    @property
    def num_samples(self) -> int:
        return getattr(self, self.names[0]).shape[0]

    def initialize(self, labels: torch.Tensor) -> None:
        """Fill every table with the (N, C) training labels."""
        labels = torch.as_tensor(labels)
        if labels.dim() != 2:
            raise ValueError('BranchLabelMemory: labels must be (N, C), got '
                             f'{tuple(labels.shape)}')
        device = getattr(self, self.names[0]).device
        for name in self.names:
            setattr(self, name, labels.to(device=device,
                                          dtype=torch.int8).clone())
        self.pending = {}

    def rows(self, name: str, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) float rows of branch ``name`` at sample indices ``idx``."""
        if self.num_samples == 0:
            raise RuntimeError(
                'BranchLabelMemory: the label memory is empty; add '
                "dict(type='CoLearningCorrectionHook') to custom_hooks (it "
                'fills the memory from the training labels)')
        table = getattr(self, name)
        return table[idx.to(table.device)].float()

    def set_pending(self, name: str, idx: torch.Tensor,
                    rows: torch.Tensor) -> None:
        """Store branch ``name``'s (K,) indices and (K, C) corrected rows of
        this step."""
        self.pending[name] = (idx.detach(), rows.detach())

    @torch.no_grad()
    def commit(self) -> None:
        """Write the pending rows of every rank into the tables.

        Every branch is gathered, with no rows where nothing is pending, so
        all ranks make the same collective calls.
        """
        if self.num_samples == 0:
            self.pending = {}
            return
        for name in self.names:
            table = getattr(self, name)
            idx, rows = self.pending.get(name, (
                torch.zeros(0, dtype=torch.long, device=table.device),
                table.new_zeros((0, table.shape[1]))))
            idx, rows = keep_last(*all_gather_rows(
                idx.to(table.device).long(),
                rows.to(table.device, torch.int8)))
            table[idx] = rows
        self.pending = {}

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        resize_buffers_from(self, state_dict, prefix, self.names)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)
