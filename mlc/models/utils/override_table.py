"""An (N, C) label table held as its changes from a read-only label store."""
from typing import Dict, Tuple

import numpy as np
import torch

from .sparse_table import SparseTable, row_ranges

#: writes between merges of the delta into the sorted arrays, and the most
#: delta entries held before a merge
MERGE_EVERY = 64
MAX_DELTA_ENTRIES = 1 << 20


class OverrideTable(SparseTable):
    """(N, C) int8 labels in {1, 0, -1} = a label store (the *base*: the
    training labels, e.g. a memory-mapped ``SparseLabelStore`` shared by
    every process) plus the entries that differ from it.

    Only the overrides are held, in three buffers saved in checkpoints:
    ``dims`` (2,) int64 = (N, C); ``keys`` (M,) int64 sorted flat indices
    ``sample * C + class``; ``values`` (M,) int8. The base is not saved:
    :meth:`attach` it again after loading. Memory grows with the number of
    changed entries, not with N x C (9 M x 9,605 int8 would be 86 GB).
    Reading (:meth:`rows`) and writing (:meth:`write`) take whole rows, so
    it is a drop-in for an (N, C) int8 tensor indexed by sample.

    A write does not rewrite the sorted arrays (O(M)): the rows it writes
    go to a small unsorted *delta* (sample → its latest overrides), which
    reads check first and which is merged into ``keys``/``values`` every
    ``merge_every`` writes, when it holds more than ``max_delta`` entries,
    and before a ``state_dict`` or :attr:`num_overrides` is taken. Every
    process merges at the same writes, so DDP ranks stay identical.

    Args:
        merge_every (int): Writes between merges. Defaults to
            ``MERGE_EVERY``.
        max_delta (int): Delta entries that force a merge. Defaults to
            ``MAX_DELTA_ENTRIES``.
    """

    dtype = torch.int8

    def __init__(self, merge_every: int = MERGE_EVERY,
                 max_delta: int = MAX_DELTA_ENTRIES) -> None:
        super().__init__()
        self.register_buffer('keys', torch.zeros(0, dtype=torch.int64))
        self.register_buffer('values', torch.zeros(0, dtype=torch.int8))
        self.base = None
        self.merge_every, self.max_delta = merge_every, max_delta
        #: sample → ((E,) int64 class ids, (E,) int8 values) of its latest
        #: write not yet merged
        self._delta: Dict[int, Tuple[np.ndarray, np.ndarray]] = {}
        self._delta_entries = 0
        self._writes = 0

    @property
    def num_overrides(self) -> int:
        """M, the number of entries that differ from the base (merges the
        delta first)."""
        self.merge()
        return self.keys.numel()

    def attach(self, base, clear: bool = False) -> None:
        """Use the label store ``base`` (``num_samples``, ``num_classes``,
        ``densify``) under the overrides; ``clear`` drops them and sizes
        the table from ``base``, else its shape must match."""
        shape = (base.num_samples, base.num_classes)
        if clear:
            self.dims = torch.tensor(shape, device=self.device)
            self.keys = self.keys.new_zeros(0)
            self.values = self.values.new_zeros(0)
            self._clear_delta()
        elif self.shape != shape:
            raise RuntimeError(
                f'OverrideTable: the loaded overrides are of a {self.shape} '
                f'table but the label store is {shape}; the checkpoint was '
                'made for another training set')
        self.base = base

    def rows(self, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) int8 rows of the (K,) sample indices ``idx``."""
        idx_np = idx.cpu().long().numpy()
        out = torch.from_numpy(self._base().densify(idx_np, np.int8))
        in_delta = np.fromiter((int(i) in self._delta for i in idx_np),
                               bool, len(idx_np))
        for k in np.flatnonzero(in_delta):
            classes, values = self._delta[int(idx_np[k])]
            out[k, torch.from_numpy(classes)] = torch.from_numpy(values)
        out = out.to(self.device)
        held = torch.from_numpy(np.flatnonzero(~in_delta)).to(self.device)
        row_of, take = self._entries_of(
            torch.from_numpy(idx_np).to(self.device)[held])
        out[held[row_of], self.keys[take] % self.shape[1]] = \
            self.values[take]
        return out

    @torch.no_grad()
    def write(self, idx: torch.Tensor, rows: torch.Tensor) -> None:
        """``table[idx] = rows`` for (K,) distinct sample indices and (K, C)
        rows: their old overrides are replaced by the entries of ``rows``
        that differ from the base. O(K C) per call into the delta, plus a
        merge (O(M + delta)) every ``merge_every`` calls."""
        if idx.numel() == 0:
            return
        idx = idx.cpu().long().numpy()
        rows = rows.to(torch.int8).cpu().numpy()
        row_of, classes = np.nonzero(rows != self._base().densify(
            idx, np.int8))
        values = rows[row_of, classes]
        bounds = np.searchsorted(row_of, np.arange(len(idx) + 1))
        for k, sample in enumerate(idx.tolist()):
            old = self._delta.get(sample)
            if old is not None:
                self._delta_entries -= len(old[0])
            lo, hi = bounds[k], bounds[k + 1]
            self._delta[sample] = (classes[lo:hi], values[lo:hi])
            self._delta_entries += hi - lo
        self._writes += 1
        if self._writes >= self.merge_every or \
                self._delta_entries > self.max_delta:
            self.merge()

    def merge(self) -> None:
        """Move the delta into the sorted ``keys``/``values`` (one pass:
        the delta rows' old overrides are dropped, their new ones
        inserted)."""
        self._writes = 0
        if not self._delta:
            return
        num_classes = self.shape[1]
        idx = np.fromiter(self._delta, np.int64, len(self._delta))
        parts = list(self._delta.values())
        lengths = np.array([len(c) for c, _ in parts], dtype=np.int64)
        new_keys = np.repeat(idx, lengths) * num_classes + np.concatenate(
            [c for c, _ in parts]).astype(np.int64)
        new_values = np.concatenate([v for _, v in parts]).astype(np.int8)
        self._clear_delta()
        order = np.argsort(new_keys)
        new_keys, new_values = new_keys[order], new_values[order]
        _, replaced = self._entries_of(torch.from_numpy(idx).to(self.device))
        replaced = replaced.cpu().numpy()
        keys, values = self.keys.cpu().numpy(), self.values.cpu().numpy()
        keys, values = np.delete(keys, replaced), np.delete(values, replaced)
        at = np.searchsorted(keys, new_keys)
        self.keys = torch.from_numpy(np.insert(keys, at, new_keys)).to(
            self.device)
        self.values = torch.from_numpy(np.insert(values, at, new_values)).to(
            self.device)

    def _entries_of(self, idx: torch.Tensor
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """(E,) output row and (E,) override position of every override of
        the rows ``idx`` (the keys of a row are one sorted range)."""
        num_classes = self.shape[1]
        start = torch.searchsorted(self.keys, idx * num_classes)
        length = torch.searchsorted(self.keys, (idx + 1) * num_classes) - \
            start
        return row_ranges(start, length)

    def _clear_delta(self) -> None:
        self._delta = {}
        self._delta_entries = 0
        self._writes = 0

    def _base(self):
        if self.base is None:
            raise RuntimeError(
                'OverrideTable: no label store under the overrides (a '
                'loaded table needs attach(); the model\'s state hook does '
                'it when training starts)')
        return self.base

    def _save_to_state_dict(self, destination, prefix, keep_vars) -> None:
        self.merge()
        super()._save_to_state_dict(destination, prefix, keep_vars)

    def _load_from_state_dict(self, state_dict, prefix, *args,
                              **kwargs) -> None:
        self._clear_delta()
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

