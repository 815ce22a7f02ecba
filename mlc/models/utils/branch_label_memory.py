"""Per-branch label memory of co-learning's write-back option."""
from typing import Sequence

import torch

from .per_sample_state import PerSampleState


class BranchLabelMemory(PerSampleState):
    """Corrected labels of every training sample, one table per branch
    (co-learning with ``write_back=True``).

    Each branch's labels are corrected by the other branch, so each branch
    has its own (N, C) int8 table in {1, 0, -1}, a buffer named after the
    branch (checkpoint keys ``label_memory.<branch>``). A
    :class:`PerSampleState`: the tables start empty and are filled by
    :meth:`initialize` (from the training labels) or by a loaded checkpoint;
    the model reads rows with :meth:`rows` and stages a step's corrected
    rows with :meth:`stage_rows`; ``CoLearningCorrectionHook`` commits them
    after the optimiser step (every branch is gathered, with no rows where
    nothing is staged).

    Args:
        names (Sequence[str]): Branch names.
    """

    commit_hook = "dict(type='CoLearningCorrectionHook')"

    def __init__(self, names: Sequence[str]) -> None:
        super().__init__()
        self.names = tuple(names)
        for name in self.names:
            self.register_table(name, torch.int8)

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
        self.discard_staged()

    def rows(self, name: str, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) float rows of branch ``name`` at sample indices ``idx``."""
        if self.num_samples == 0:
            raise RuntimeError(
                'BranchLabelMemory: the label memory is empty; add '
                f'{self.commit_hook} to custom_hooks (it fills the memory '
                'from the training labels)')
        table = getattr(self, name)
        return table[idx.to(table.device)].float()
