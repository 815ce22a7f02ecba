"""Read-only per-sample labels held sparsely (CSR), optionally memory-mapped.

A dense (N, C) int8 label matrix of Open Images (9 M images x 9,605 classes)
would take 86 GB. :class:`SparseLabelStore` keeps only the listed entries:

- ``indptr`` (N + 1,) int64: row ``i`` owns entries ``indptr[i]:indptr[i+1]``;
- ``indices`` (nnz,) int16/int32: their class ids;
- ``values`` (nnz,) int8: their states (1 positive, 0 negative);

every other entry has the state ``fill`` (-1 unknown by default). Saved as
``.npy`` files and opened with ``np.load(mmap_mode='r')``, the arrays are
shared page-cache pages: dataloader workers and DDP ranks on one machine
read the same memory instead of each holding a copy. Rows are densified per
sample (:meth:`get`) or per batch (:meth:`densify`) only.

It has the protocol of :class:`~mlc.datasets.LabelStore`, so datasets and
hooks use either.
"""
import json
import os
import os.path as osp
import shutil
import tempfile
from typing import Dict, Optional, Sequence

import numpy as np

#: Files of a saved store (``clean_*`` only when it has clean labels).
_ARRAYS = ('indptr', 'indices', 'values')
_META = 'sparse_labels.json'
#: Largest (N x C) that :meth:`SparseLabelStore.observed` densifies.
MAX_DENSE_ENTRIES = 1 << 31


class SparseLabelStore:
    """CSR observed labels (and optional clean positives); read-only.

    Args:
        indptr (np.ndarray): (N + 1,) int64 row offsets.
        indices (np.ndarray): (nnz,) class ids (unique within a row).
        values (np.ndarray): (nnz,) int8 states in {1, 0, -1}.
        num_classes (int): C.
        fill (int): State of the entries not listed (-1 or 0).
        clean (tuple, optional): ``(indptr, indices)`` CSR of the clean
            positives (the other clean entries are 0); metrics only.
        check (bool): Validate the arrays (skipped for a store this module
            wrote, e.g. an mmap-opened cache).
    """

    def __init__(self, indptr: np.ndarray, indices: np.ndarray,
                 values: np.ndarray, num_classes: int, fill: int = -1,
                 clean: Optional[Sequence[np.ndarray]] = None,
                 check: bool = True) -> None:
        if fill not in (-1, 0):
            raise ValueError(f'fill must be -1 or 0, got {fill!r}')
        self._indptr, self._indices, self._values = indptr, indices, values
        self._num_classes = int(num_classes)
        self._fill = int(fill)
        self._clean = None if clean is None else tuple(clean)
        self._folder: Optional[str] = None  # set when memory-mapped
        if check:
            _check_csr(indptr, indices, self._num_classes, 'observed labels')
            if len(values) != len(indices):
                raise ValueError(f'observed labels: {len(values)} values for '
                                 f'{len(indices)} indices')
            bad = ~np.isin(values, (1, 0, -1))
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                row = int(np.searchsorted(indptr, k, side='right') - 1)
                raise ValueError(
                    f'observed labels: entry ({row}, {int(indices[k])}) is '
                    f'{int(values[k])!r}, not one of 1 (positive), 0 '
                    '(negative), -1 (unknown)')
            if self._clean is not None:
                _check_csr(*self._clean, self._num_classes, 'clean labels')
                if len(self._clean[0]) != len(indptr):
                    raise ValueError('clean labels have '
                                     f'{len(self._clean[0]) - 1} rows, '
                                     f'observed labels {len(indptr) - 1}')
        for arr in (indptr, indices, values, *(self._clean or ())):
            if arr.flags.writeable:
                arr.flags.writeable = False

    # ------------------------------------------------------ construction
    @classmethod
    def from_dense(cls, observed: np.ndarray,
                   clean: Optional[np.ndarray] = None,
                   fill: Optional[int] = None) -> 'SparseLabelStore':
        """The store of dense (N, C) ``observed`` (and clean) labels;
        ``fill`` None picks the more frequent of -1 and 0."""
        observed = np.asarray(observed)
        if observed.ndim != 2:
            raise ValueError('observed labels must be (N, C), got shape '
                             f'{observed.shape}')
        if fill is None:
            fill = -1 if (observed == -1).sum() >= (observed == 0).sum() \
                else 0
        if clean is not None and clean.shape != observed.shape:
            raise ValueError(f'clean labels have shape {clean.shape}, '
                             f'observed labels {observed.shape}')
        indptr, indices = _csr_of(observed != fill)
        values = observed[observed != fill].astype(np.int8)
        return cls(indptr, indices, values, observed.shape[1], fill,
                   None if clean is None else _csr_of(clean == 1))

    @classmethod
    def load(cls, folder: str, mmap: bool = True) -> 'SparseLabelStore':
        """A store saved by :meth:`save`; ``mmap`` maps the arrays
        read-only (shared by processes) instead of reading them."""
        meta_path = osp.join(folder, _META)
        if not osp.isfile(meta_path):
            raise FileNotFoundError(f'{meta_path}: no sparse label store '
                                    'here (write one with SparseLabelStore.'
                                    'save or a converter)')
        with open(meta_path) as f:
            meta = json.load(f)
        mode = 'r' if mmap else None
        arrays = {name: np.load(osp.join(folder, f'{name}.npy'),
                                mmap_mode=mode, allow_pickle=False)
                  for name in meta['arrays']}
        clean = ((arrays['clean_indptr'], arrays['clean_indices'])
                 if meta['has_clean'] else None)
        store = cls(arrays['indptr'], arrays['indices'], arrays['values'],
                    meta['num_classes'], meta['fill'], clean, check=False)
        if mmap:
            store._folder = osp.abspath(folder)
        return store

    def __getstate__(self) -> dict:
        """A mapped store pickles as its folder (a spawned worker maps the
        same pages again instead of receiving a copy)."""
        if self._folder is not None:
            return dict(_folder=self._folder)
        return self.__dict__

    def __setstate__(self, state: dict) -> None:
        if set(state) == {'_folder'}:
            state = SparseLabelStore.load(state['_folder']).__dict__
        self.__dict__.update(state)

    def save(self, folder: str) -> None:
        """Write the arrays as ``.npy`` files into ``folder`` atomically
        (a temporary folder renamed into place)."""
        parent = osp.dirname(osp.abspath(folder))
        os.makedirs(parent, exist_ok=True)
        tmp = tempfile.mkdtemp(dir=parent, prefix='.tmp-')
        try:
            arrays = self._arrays()
            for name, arr in arrays.items():
                np.save(osp.join(tmp, f'{name}.npy'), np.asarray(arr))
            with open(osp.join(tmp, _META), 'w') as f:
                json.dump(dict(num_classes=self._num_classes,
                               fill=self._fill, has_clean=self.has_clean,
                               arrays=sorted(arrays)), f)
            os.chmod(tmp, 0o755)
            if osp.isdir(folder):
                shutil.rmtree(folder)
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    def subset(self, rows: np.ndarray) -> 'SparseLabelStore':
        """A store of the (K,) ``rows`` in that order (in memory)."""
        rows = np.asarray(rows, dtype=np.int64)
        indptr, take = _gather_rows(self._indptr, rows)
        clean = None
        if self._clean is not None:
            c_indptr, c_take = _gather_rows(self._clean[0], rows)
            clean = (c_indptr, np.asarray(self._clean[1])[c_take])
        return SparseLabelStore(indptr, np.asarray(self._indices)[take],
                                np.asarray(self._values)[take],
                                self._num_classes, self._fill, clean,
                                check=False)

    # ---------------------------------------------------------- protocol
    @property
    def num_samples(self) -> int:
        return len(self._indptr) - 1

    @property
    def num_classes(self) -> int:
        return self._num_classes

    @property
    def has_clean(self) -> bool:
        return self._clean is not None

    @property
    def nnz(self) -> int:
        """Number of listed (non-``fill``) entries."""
        return len(self._indices)

    def observed(self) -> np.ndarray:
        """(N, C) int8 dense copy of the observed labels (refused above
        ``MAX_DENSE_ENTRIES`` entries: use :meth:`densify` on batches)."""
        return self.densify(np.arange(self.num_samples), np.int8)

    def clean(self) -> Optional[np.ndarray]:
        """(N, C) int8 dense clean labels, or None."""
        if self._clean is None:
            return None
        return self.densify_clean(np.arange(self.num_samples), np.int8)

    def get(self, idx: int) -> np.ndarray:
        """(C,) float32 observed labels of sample ``idx``."""
        start, end = self._indptr[idx], self._indptr[idx + 1]
        row = np.full(self._num_classes, self._fill, dtype=np.float32)
        row[self._indices[start:end]] = self._values[start:end]
        return row

    def get_clean(self, idx: int) -> Optional[np.ndarray]:
        """(C,) float32 clean labels of sample ``idx``, or None."""
        if self._clean is None:
            return None
        indptr, indices = self._clean
        row = np.zeros(self._num_classes, dtype=np.float32)
        row[indices[indptr[idx]:indptr[idx + 1]]] = 1
        return row

    def densify(self, rows: np.ndarray, dtype=np.float32) -> np.ndarray:
        """(B, C) observed labels of the (B,) ``rows`` (one vectorised
        gather; unlisted entries are ``fill``)."""
        rows = np.asarray(rows, dtype=np.int64)
        _check_size(len(rows), self._num_classes)
        out = np.full((len(rows), self._num_classes), self._fill, dtype)
        row_of, take = _row_entries(self._indptr, rows)
        out[row_of, self._indices[take]] = self._values[take]
        return out

    def densify_clean(self, rows: np.ndarray,
                      dtype=np.float32) -> Optional[np.ndarray]:
        """(B, C) clean labels of the (B,) ``rows``, or None."""
        if self._clean is None:
            return None
        rows = np.asarray(rows, dtype=np.int64)
        _check_size(len(rows), self._num_classes)
        out = np.zeros((len(rows), self._num_classes), dtype)
        row_of, take = _row_entries(self._clean[0], rows)
        out[row_of, self._clean[1][take]] = 1
        return out

    def entries(self, start: int, stop: int):
        """Listed entries of rows ``[start, stop)``: (K,) int64 row offsets
        from ``start``, (K,) class ids and (K,) int8 states."""
        lo, hi = int(self._indptr[start]), int(self._indptr[stop])
        lengths = np.diff(np.asarray(self._indptr[start:stop + 1]))
        rows = np.repeat(np.arange(stop - start), lengths)
        return rows, self._indices[lo:hi], self._values[lo:hi]

    def positive_entries(self, start: int, stop: int):
        """Positives of rows ``[start, stop)``: (K,) int64 row offsets from
        ``start`` and (K,) class ids, rows ascending (the chunked class
        statistics read these, never a dense matrix)."""
        rows, classes, values = self.entries(start, stop)
        positive = np.asarray(values) == 1
        return rows[positive], np.asarray(classes)[positive]

    def positive_counts(self) -> np.ndarray:
        """(C,) int64 observed positives per class."""
        return np.bincount(np.asarray(self._indices)[
            np.asarray(self._values) == 1], minlength=self._num_classes)

    def state_counts(self) -> Dict[str, int]:
        """Number of positive, negative and unknown entries."""
        pos = int((np.asarray(self._values) == 1).sum())
        neg = int((np.asarray(self._values) == 0).sum())
        total = self.num_samples * self._num_classes
        listed_unknown = self.nnz - pos - neg
        unknown = listed_unknown + (total - self.nnz if self._fill == -1
                                    else 0)
        if self._fill == 0:
            neg += total - self.nnz
        return dict(positive=pos, negative=neg, unknown=unknown)

    def _arrays(self) -> Dict[str, np.ndarray]:
        arrays = dict(indptr=self._indptr, indices=self._indices,
                      values=self._values)
        if self._clean is not None:
            arrays.update(clean_indptr=self._clean[0],
                          clean_indices=self._clean[1])
        return arrays


def _csr_of(mask: np.ndarray):
    """``(indptr, indices)`` of the True entries of a (N, C) mask."""
    rows, cols = np.nonzero(mask)
    indptr = np.zeros(mask.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=mask.shape[0]), out=indptr[1:])
    return indptr, cols.astype(index_dtype(mask.shape[1]))


def index_dtype(num_classes: int):
    """The smallest signed integer type holding class ids < num_classes."""
    return np.int16 if num_classes <= np.iinfo(np.int16).max else np.int32


def _row_entries(indptr: np.ndarray, rows: np.ndarray):
    """(nnz_B,) output row and (nnz_B,) entry index of every entry of
    ``rows``, without a Python loop."""
    starts = np.asarray(indptr[rows], dtype=np.int64)
    lengths = np.asarray(indptr[rows + 1], dtype=np.int64) - starts
    row_of = np.repeat(np.arange(len(rows)), lengths)
    first = np.cumsum(lengths) - lengths
    take = np.arange(int(lengths.sum())) + np.repeat(starts - first, lengths)
    return row_of, take


def _gather_rows(indptr: np.ndarray, rows: np.ndarray):
    """New indptr of ``rows`` and the entry indices to take."""
    _, take = _row_entries(indptr, rows)
    lengths = (np.asarray(indptr[rows + 1], dtype=np.int64) -
               np.asarray(indptr[rows], dtype=np.int64))
    new = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=new[1:])
    return new, take


def _check_csr(indptr: np.ndarray, indices: np.ndarray, num_classes: int,
               what: str) -> None:
    if indptr.ndim != 1 or len(indptr) < 1 or indptr[0] != 0 \
            or indptr[-1] != len(indices) or (np.diff(indptr) < 0).any():
        raise ValueError(f'{what}: indptr must start at 0, never decrease '
                         f'and end at the {len(indices)} entries')
    if len(indices) and (indices.min() < 0 or indices.max() >= num_classes):
        raise ValueError(f'{what}: class ids must lie in [0, {num_classes})')


def _check_size(num_rows: int, num_classes: int) -> None:
    if num_rows * num_classes > MAX_DENSE_ENTRIES:
        raise ValueError(
            f'densifying {num_rows} x {num_classes} labels needs '
            f'{num_rows * num_classes / 1e9:.1f} GB; use densify() on '
            'batches of rows of this sparse store')
