"""Read-only per-sample labels of a dataset."""
from typing import Optional

import numpy as np


class LabelStore:
    """Dense observed labels (and optional clean labels) of a dataset, as
    loaded from the annotation file; read-only.

    Nothing rewrites a dataset's labels: per-sample state a method changes
    during training (co-learning's label memory, the PLL confidences) lives
    in the model as a :class:`~mlc.models.utils.PerSampleState`, which is
    synchronised across ranks and saved in checkpoints.

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
        self._observed = observed.astype(np.int8, copy=True)
        self._observed.flags.writeable = False
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
        """(N, C) int8 copy of the observed labels."""
        return self._observed.copy()

    def clean(self) -> Optional[np.ndarray]:
        """(N, C) int8 clean labels, or None."""
        return None if self._clean is None else self._clean.copy()

    def get(self, idx: int) -> np.ndarray:
        """(C,) float32 observed labels of sample ``idx``."""
        return self._observed[idx].astype(np.float32)

    def get_clean(self, idx: int) -> Optional[np.ndarray]:
        """(C,) float32 clean labels of sample ``idx``, or None."""
        if self._clean is None:
            return None
        return self._clean[idx].astype(np.float32)

    def densify(self, rows: np.ndarray, dtype=np.float32) -> np.ndarray:
        """(B, C) observed labels of the (B,) ``rows``."""
        return self._observed[np.asarray(rows, dtype=np.int64)].astype(dtype)

    def positive_entries(self, start: int, stop: int):
        """Positives of rows ``[start, stop)``: (K,) int64 row offsets from
        ``start`` and (K,) class ids, rows ascending."""
        return np.nonzero(self._observed[start:stop] == 1)


def find_label_store(dataset) -> Optional[LabelStore]:
    """The ``label_store`` of a dataset or of the dataset it wraps (through
    ``.dataset`` of wrappers such as ``StitchUpDataset``), or None."""
    while dataset is not None:
        store = getattr(dataset, 'label_store', None)
        if store is not None:
            return store
        dataset = getattr(dataset, 'dataset', None)
    return None


def _check_states(values: np.ndarray, what: str) -> None:
    if values.ndim != 2:
        raise ValueError(f'{what} must be (N, C), got shape {values.shape}')
    bad = ~np.isin(values, (1, 0, -1))
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f'{what}: entry ({i}, {j}) is '
                         f'{values[i, j].item()!r}, not one of 1 (positive), '
                         '0 (negative), -1 (unknown)')
