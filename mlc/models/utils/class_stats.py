"""Statistics of the observed training labels: the class-statistics
protocol (docs/conventions.md §8)."""
from dataclasses import dataclass
from typing import List

import numpy as np
import torch
import torch.nn as nn


@dataclass(frozen=True)
class ClassStats:
    """Class statistics of the *observed* training labels (never
    ``gt_clean``), computed once and given to every model component that
    needs them.

    Protocol: a module that needs statistics of the training set defines
    ``set_training_stats(stats: ClassStats) -> None`` (documented on the
    module); :func:`push_training_stats` calls it on every such module of a
    model. Hooks build the statistics from the training set's label store
    (``ClassStats.from_labels(store.observed())``); every rank computes the
    same values from the same file, so nothing is communicated.

    Attributes:
        observed (np.ndarray): (N, C) int8 observed labels in {1, 0, -1}.
        class_freq (torch.Tensor): (C,) int64 observed positives per class.
        cooccurrence (torch.Tensor): (C, C) int64 counts of observed
            positive pairs (diagonal: ``class_freq``).
    """

    observed: np.ndarray
    class_freq: torch.Tensor
    cooccurrence: torch.Tensor

    @classmethod
    def from_labels(cls, observed: np.ndarray) -> 'ClassStats':
        """Statistics of (N, C) observed labels in {1, 0, -1}."""
        observed = np.asarray(observed)
        if observed.ndim != 2:
            raise ValueError('ClassStats: labels must be (N, C), got shape '
                             f'{observed.shape}')
        pos = torch.from_numpy((observed == 1).astype(np.int64))
        return cls(observed, pos.sum(0), pos.T @ pos)

    @property
    def num_samples(self) -> int:
        """N, the number of training samples."""
        return self.observed.shape[0]

    @property
    def num_classes(self) -> int:
        return self.observed.shape[1]


def push_training_stats(model: nn.Module, stats: ClassStats) -> List[str]:
    """Call ``set_training_stats(stats)`` on every module of ``model`` that
    defines it; returns their names."""
    names = []
    for name, module in model.named_modules():
        if callable(getattr(module, 'set_training_stats', None)):
            module.set_training_stats(stats)
            names.append(name or type(module).__name__)
    return names
