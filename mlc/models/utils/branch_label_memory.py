"""Per-branch label memory of co-learning's write-back option."""
from typing import Sequence

import numpy as np
import torch

from mlc.datasets.label_store import LabelStore
from mlc.utils.choices import check_choice
from .override_table import OverrideTable
from .per_sample_state import PerSampleState
from .table_storage import STORAGES, use_sparse


class BranchLabelMemory(PerSampleState):
    """Corrected labels of every training sample, one table per branch
    (co-learning with ``write_back=True``).

    Each branch's labels are corrected by the other branch, so each branch
    has its own (N, C) int8 table in {1, 0, -1}, named after the branch. A
    :class:`PerSampleState`: the tables start empty and are filled by
    :meth:`initialize` (from the training labels) or by a loaded checkpoint;
    the model reads rows with :meth:`rows` and stages a step's corrected
    rows with :meth:`stage_rows`; ``CoLearningCorrectionHook`` commits them
    after the optimiser step (every branch is gathered, with no rows where
    nothing is staged).

    Storage: a dense (N, C) int8 buffer per branch (checkpoint key
    ``label_memory.<branch>``), or an :class:`OverrideTable` holding only
    the entries that differ from the training labels, which stay in the
    dataset's (memory-mapped) label store (keys
    ``label_memory.<branch>.{dims,keys,values}``). Both give the same
    rows. A loaded checkpoint brings its own storage.

    Args:
        names (Sequence[str]): Branch names.
        storage (str): ``'dense'``, ``'sparse'`` or ``'auto'`` (sparse when
            N x C exceeds ``table_storage.MAX_DENSE_ENTRIES``). Defaults to
            ``'auto'``.
    """

    commit_hook = "dict(type='CoLearningCorrectionHook')"

    def __init__(self, names: Sequence[str], storage: str = 'auto') -> None:
        super().__init__()
        check_choice('BranchLabelMemory', 'storage', storage, STORAGES)
        self.names = tuple(names)
        self.storage = storage
        for name in self.names:
            self.register_table(name, torch.int8)

    @property
    def sparse(self) -> bool:
        """Whether the tables are :class:`OverrideTable` s."""
        return isinstance(getattr(self, self.names[0]), OverrideTable)

    def prepare(self, labels) -> None:
        """Fill the tables from the training labels unless a checkpoint
        already did (then check the shape and, for sparse tables, attach
        ``labels`` under the loaded overrides).

        Args:
            labels: (N, C) tensor/array in {1, 0, -1}, or the training
                set's label store (dense or sparse; never densified for
                sparse tables).
        """
        store = _as_store(labels)
        if self.needs_init((store.num_samples, store.num_classes)):
            self.initialize(store)
        elif self.sparse:
            for name in self.names:
                getattr(self, name).attach(store)

    def initialize(self, labels) -> None:
        """Fill every table with the training labels ((N, C) tensor/array
        or a label store), in the configured storage."""
        store = _as_store(labels)
        sparse = use_sparse(self.storage, store.num_samples,
                            store.num_classes)
        device = self._device()
        for name in self.names:
            self._set_storage(name, sparse)
            if sparse:
                getattr(self, name).attach(store, clear=True)
            else:
                setattr(self, name, torch.from_numpy(store.densify(
                    np.arange(store.num_samples), np.int8)).to(device))
        self.discard_staged()

    def rows(self, name: str, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) float rows of branch ``name`` at sample indices ``idx``."""
        if self.num_samples == 0:
            raise RuntimeError(
                'BranchLabelMemory: the label memory is empty; add '
                f'{self.commit_hook} to custom_hooks (it fills the memory '
                'from the training labels)')
        table = getattr(self, name)
        if isinstance(table, OverrideTable):
            return table.rows(idx).float()
        return table[idx.to(table.device)].float()

    def _device(self) -> torch.device:
        return getattr(self, self.names[0]).device

    def _set_storage(self, name: str, sparse: bool) -> None:
        """Make table ``name`` an empty table of the given storage (kept
        when it already is one)."""
        if isinstance(getattr(self, name), OverrideTable) == sparse:
            return
        device = self._device()
        delattr(self, name)
        if sparse:
            setattr(self, name, OverrideTable().to(device))
        else:
            self.register_buffer(name, torch.zeros(
                (0, 0), dtype=torch.int8, device=device))

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        for name in self.names:
            if prefix + name in state_dict:
                self._set_storage(name, sparse=False)
            elif prefix + name + '.dims' in state_dict:
                self._set_storage(name, sparse=True)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


def _as_store(labels):
    """A label store of dense (N, C) labels, or ``labels`` if it is one."""
    if hasattr(labels, 'densify'):
        return labels
    labels = torch.as_tensor(labels)
    if labels.dim() != 2:
        raise ValueError('BranchLabelMemory: labels must be (N, C), got '
                         f'{tuple(labels.shape)}')
    return LabelStore(labels.cpu().numpy())
