"""In-memory store of per-sample labels that hooks can update."""
from typing import Dict, Optional, Sequence, Union

import numpy as np
import torch

from mlc.utils.dist import keep_last

ArrayLike = Union[np.ndarray, torch.Tensor, Sequence]


class LabelStore:
    """Dense observed labels (and optional clean labels) of a dataset.

    The observed matrix lives in shared memory, so an update made in the main
    process (e.g. by a label-correction hook) is seen by dataloader workers,
    persistent ones included. Every rank of a distributed run holds a full
    copy; callers apply identical updates on every rank (see
    :mod:`mlc.utils.dist`).

    Args:
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.
        clean (np.ndarray, optional): (N, C) clean labels in {0, 1}; used for
            metrics and logging only.
    """

    def __init__(self, observed: np.ndarray,
                 clean: Optional[np.ndarray] = None) -> None:
        observed = np.asarray(observed)
        _check_states(observed, 'observed labels')
        if clean is not None and clean.shape != observed.shape:
            raise ValueError(f'clean labels have shape {clean.shape}, '
                             f'observed labels {observed.shape}')
        self._observed = torch.from_numpy(
            observed.astype(np.int8, copy=True)).share_memory_()
        self._initial = observed.astype(np.int8, copy=True)
        self._clean = None if clean is None else clean.astype(np.int8)

    @property
    def num_samples(self) -> int:
        return self._observed.shape[0]

    @property
    def num_classes(self) -> int:
        return self._observed.shape[1]

    @property
    def has_clean(self) -> bool:
        return self._clean is not None

    def observed(self) -> np.ndarray:
        """(N, C) int8 copy of the current observed labels."""
        return self._observed.numpy().copy()

    def initial(self) -> np.ndarray:
        """(N, C) int8 labels as loaded from the annotation file."""
        return self._initial.copy()

    def clean(self) -> Optional[np.ndarray]:
        """(N, C) int8 clean labels, or None."""
        return None if self._clean is None else self._clean.copy()

    def get(self, idx: int) -> np.ndarray:
        """(C,) float32 observed labels of sample ``idx``."""
        return self._observed[idx].numpy().astype(np.float32)

    def get_clean(self, idx: int) -> Optional[np.ndarray]:
        """(C,) float32 clean labels of sample ``idx``, or None."""
        if self._clean is None:
            return None
        return self._clean[idx].astype(np.float32)

    def update(self, indices: ArrayLike, rows: ArrayLike) -> None:
        """Overwrite the observed labels of some samples.

        Args:
            indices (array-like): (K,) sample indices. With duplicates the
                last row wins.
            rows (array-like): (K, C) new labels in {1, 0, -1}.
        """
        indices = torch.as_tensor(np.asarray(indices), dtype=torch.long)
        rows = torch.as_tensor(np.asarray(rows))
        if rows.shape != (indices.numel(), self.num_classes):
            raise ValueError(f'LabelStore.update: rows of shape '
                             f'{tuple(rows.shape)} for {indices.numel()} '
                             f'indices and {self.num_classes} classes')
        _check_states(rows.numpy(), 'LabelStore.update rows')
        if indices.numel() and (indices.min() < 0
                                or indices.max() >= self.num_samples):
            raise IndexError(f'LabelStore.update: sample index out of '
                             f'[0, {self.num_samples})')
        indices, rows = keep_last(indices, rows)
        self._observed[indices] = rows.to(torch.int8)

    def state_dict(self) -> Dict[str, torch.Tensor]:
        """Observed labels as a tensor (for checkpoints)."""
        return {'observed': self._observed.clone()}

    def load_state_dict(self, state: Dict[str, torch.Tensor]) -> None:
        """Restore observed labels saved by :meth:`state_dict`."""
        observed = state['observed']
        if tuple(observed.shape) != tuple(self._observed.shape):
            raise ValueError(f'label store of shape {tuple(observed.shape)} '
                             f'does not fit a dataset of shape '
                             f'{tuple(self._observed.shape)}')
        self._observed.copy_(observed.to(torch.int8))


def _check_states(values: np.ndarray, what: str) -> None:
    if values.ndim != 2:
        raise ValueError(f'{what} must be (N, C), got shape {values.shape}')
    bad = ~np.isin(values, (1, 0, -1))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f'{what}: entry ({i}, {j}) is {values[i, j].item()!r}, '
                         'not one of 1 (positive), 0 (negative), -1 (unknown)')
