"""An (N, C) float table that is zero outside each sample's candidate set,
held as values aligned with a CSR of the candidates."""
from typing import Tuple

import numpy as np
import torch

from mlc.datasets.sparse_labels import index_dtype
from .sparse_table import SparseTable, row_ranges

#: rows of the dense candidate matrix read at a time when building the CSR
BUILD_CHUNK = 1 << 16


class CandidateTable(SparseTable):
    """(N, C) float32 confidences, non-zero only on the candidate sets.

    Three buffers, saved in checkpoints: ``indptr`` (N + 1,) int64 (row
    ``i`` owns entries ``indptr[i]:indptr[i+1]``), ``indices`` (nnz,)
    int16/int32 candidate class ids, ascending within a row, and
    ``values`` (nnz,) float32 the confidences of those entries; plus
    ``dims`` (2,) int64 = (N, C). Memory grows with the number of
    candidates, not with N x C. :meth:`rows` densifies a batch of rows,
    :meth:`write` scatters a batch back, so it is a drop-in for an (N, C)
    float32 tensor indexed by sample; :meth:`mask_rows` gives the
    candidate sets themselves.
    """

    dtype = torch.float32

    def __init__(self) -> None:
        super().__init__()
        self.register_buffer('indptr', torch.zeros(1, dtype=torch.int64))
        self.register_buffer('indices', torch.zeros(0, dtype=torch.int16))
        self.register_buffer('values', torch.zeros(0, dtype=torch.float32))

    @property
    def nnz(self) -> int:
        """Number of candidate entries."""
        return self.indices.numel()

    def fill(self, candidates) -> None:
        """Hold the candidate sets of an (N, C) {0, 1} tensor/array, read
        ``BUILD_CHUNK`` rows at a time, with uniform confidences."""
        num, num_classes = candidates.shape
        indptr = np.zeros(num + 1, dtype=np.int64)
        cols = []
        for start in range(0, num, BUILD_CHUNK):
            chunk = np.asarray(torch.as_tensor(
                candidates[start:start + BUILD_CHUNK]).cpu())
            rows, col = np.nonzero(chunk)
            indptr[start + 1:start + 1 + len(chunk)] = np.bincount(
                rows, minlength=len(chunk))
            cols.append(col.astype(index_dtype(num_classes)))
        np.cumsum(indptr, out=indptr)
        device = self.device
        self.dims = torch.tensor([num, num_classes], device=device)
        self.indptr = torch.from_numpy(indptr).to(device)
        self.indices = torch.from_numpy(np.concatenate(
            cols) if cols else np.zeros(0, index_dtype(num_classes))).to(
                device)
        self.reset_uniform()

    def reset_uniform(self) -> None:
        """Confidence 1 / |S| on every candidate of a set S."""
        sizes = self.indptr.diff()
        empty = torch.nonzero(sizes == 0)
        if len(empty):
            raise ValueError(f'CandidateTable: sample {int(empty[0])} has '
                             'an empty candidate set')
        self.values = torch.repeat_interleave(1. / sizes.float(), sizes)

    def rows(self, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) float32 confidences of the (K,) sample indices ``idx``."""
        row_of, take = self._entries_of(idx)
        out = torch.zeros(idx.numel(), self.shape[1], device=self.device)
        out[row_of, self.indices[take].long()] = self.values[take]
        return out

    def mask_rows(self, idx: torch.Tensor) -> torch.Tensor:
        """(K, C) uint8 candidate sets of the (K,) sample indices ``idx``."""
        row_of, take = self._entries_of(idx)
        out = torch.zeros(idx.numel(), self.shape[1], dtype=torch.uint8,
                          device=self.device)
        out[row_of, self.indices[take].long()] = 1
        return out

    def same_candidates(self, candidates) -> bool:
        """Whether an (N, C) candidate tensor/array holds these sets."""
        other = CandidateTable().to(self.device)
        other.fill(candidates)
        return torch.equal(other.indptr, self.indptr) and torch.equal(
            other.indices.long(), self.indices.long())

    @torch.no_grad()
    def write(self, idx: torch.Tensor, rows: torch.Tensor) -> None:
        """``table[idx] = rows`` for (K,) distinct sample indices and (K, C)
        rows, which must be zero outside the candidate sets."""
        if idx.numel() == 0:
            return
        row_of, take = self._entries_of(idx)
        cols = self.indices[take].long()
        rows = rows.to(self.device, torch.float32)
        outside = rows.clone()
        outside[row_of, cols] = 0
        if outside.any():
            k, c = (int(v) for v in torch.nonzero(outside)[0])
            raise ValueError(
                f'CandidateTable: sample {int(idx[k])} gets confidence '
                f'{float(outside[k, c])!r} on class {c} outside its '
                'candidate set')
        self.values[take] = rows[row_of, cols]

    def _entries_of(self, idx: torch.Tensor
                    ) -> Tuple[torch.Tensor, torch.Tensor]:
        """(E,) output row and (E,) entry position of every candidate of
        the rows ``idx``."""
        idx = idx.to(self.device).long()
        start = self.indptr[idx]
        return row_ranges(start, self.indptr[idx + 1] - start)
