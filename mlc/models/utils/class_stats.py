"""Statistics of the observed training labels: the class-statistics
protocol (docs/conventions.md section 8)."""
from functools import cached_property
from typing import Callable, Iterator, List, Tuple

import numpy as np
import torch
import torch.nn as nn

#: Rows of the label store read at a time for the statistics.
CHUNK_ROWS = 1 << 16

#: (K,) row offsets and (K,) class ids of the positives of a row chunk
PositiveChunks = Callable[[], Iterator[Tuple[np.ndarray, np.ndarray]]]


class ClassStats:
    """Class statistics of the *observed* training labels (never
    ``gt_clean``), computed once and given to every model component that
    needs them.

    Protocol: a module that needs statistics of the training set defines
    ``set_training_stats(stats: ClassStats) -> None`` (documented on the
    module); :func:`push_training_stats` calls it on every such module of a
    model. Hooks build the statistics from the training set's label store
    (:meth:`from_store`: the listed positives, read in row chunks, so a
    sparse store of millions of images is never densified); every rank
    computes the same values from the same file, so nothing is
    communicated.

    Args:
        num_samples (int): N, the number of training samples.
        class_freq (torch.Tensor): (C,) int64 observed positives per class.
        positive_chunks (callable): Yields ``(rows, classes)`` of the
            positives chunk by chunk; read again for :attr:`cooccurrence`
            (computed on first use: (C, C) int64 is 0.7 GB at C 9,605).
    """

    def __init__(self, num_samples: int, class_freq: torch.Tensor,
                 positive_chunks: PositiveChunks) -> None:
        self.num_samples = int(num_samples)
        self.class_freq = class_freq
        self._positive_chunks = positive_chunks

    @classmethod
    def from_labels(cls, observed: np.ndarray) -> 'ClassStats':
        """Statistics of dense (N, C) observed labels in {1, 0, -1}."""
        observed = np.asarray(observed)
        if observed.ndim != 2:
            raise ValueError('ClassStats: labels must be (N, C), got shape '
                             f'{observed.shape}')
        return cls._from_chunks(
            observed.shape[0], observed.shape[1],
            lambda: iter([np.nonzero(observed == 1)]))

    @classmethod
    def from_store(cls, store, chunk_rows: int = CHUNK_ROWS) -> 'ClassStats':
        """Statistics of a label store (``LabelStore`` or
        ``SparseLabelStore``), read ``chunk_rows`` rows at a time through
        its ``positive_entries``."""

        def chunks() -> Iterator[Tuple[np.ndarray, np.ndarray]]:
            for start in range(0, store.num_samples, chunk_rows):
                yield store.positive_entries(
                    start, min(start + chunk_rows, store.num_samples))

        return cls._from_chunks(store.num_samples, store.num_classes, chunks)

    @classmethod
    def _from_chunks(cls, num_samples: int, num_classes: int,
                     chunks: PositiveChunks) -> 'ClassStats':
        freq = np.zeros(num_classes, dtype=np.int64)
        for _, classes in chunks():
            freq += np.bincount(np.asarray(classes, dtype=np.int64),
                                minlength=num_classes)
        return cls(num_samples, torch.from_numpy(freq), chunks)

    @property
    def num_classes(self) -> int:
        return self.class_freq.numel()

    @cached_property
    def cooccurrence(self) -> torch.Tensor:
        """(C, C) int64 counts of observed positive pairs (diagonal:
        ``class_freq``), accumulated chunk by chunk."""
        num = self.num_classes
        counts = torch.zeros(num * num, dtype=torch.int64)
        for rows, classes in self._positive_chunks():
            first, second = _pairs_within_rows(np.asarray(rows),
                                               np.asarray(classes))
            counts.index_add_(0, torch.from_numpy(first * num + second),
                              torch.ones(len(first), dtype=torch.int64))
        return counts.view(num, num)


def _pairs_within_rows(rows: np.ndarray, classes: np.ndarray
                       ) -> Tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (c, c') of classes listed in the same row (c = c'
    included): (P,) int64 each, P = sum over rows of k_row²."""
    order = np.argsort(rows, kind='stable')
    rows = rows[order]
    classes = classes[order].astype(np.int64)
    _, start, size = np.unique(rows, return_index=True, return_counts=True)
    size_of = np.repeat(size, size)  # k of each entry's row
    first = np.repeat(np.arange(len(rows)), size_of)
    row_start = np.repeat(np.repeat(start, size), size_of)
    block = np.cumsum(size_of) - size_of  # first pair of each entry
    second = row_start + np.arange(len(first)) - np.repeat(block, size_of)
    return classes[first], classes[second]


def push_training_stats(model: nn.Module, stats: ClassStats) -> List[str]:
    """Call ``set_training_stats(stats)`` on every module of ``model`` that
    defines it; returns their names."""
    names = []
    for name, module in model.named_modules():
        if callable(getattr(module, 'set_training_stats', None)):
            module.set_training_stats(stats)
            names.append(name or type(module).__name__)
    return names
