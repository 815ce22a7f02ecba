"""Class statistics of COMIC's losses: frequency weights and co-occurrence.

Both come from the *observed* training labels (never ``gt_clean``; see
``mlc.models.utils.ClassStats``) or from the files released with the paper
(``distribution.txt``, ``co-occurrence.npy``).
"""
from typing import Optional, Sequence, Union

import numpy as np
import torch

ArrayOrPath = Union[str, Sequence, np.ndarray, torch.Tensor]


def frequency_weights(counts: torch.Tensor, exponent: float) -> torch.Tensor:
    """COMIC class weights ``(1 - ln(n_c / max n)) ** exponent`` (≥ 1).

    Counts below 1 are clamped to 1 (a class without observed positive
    would otherwise get an infinite weight).

    Args:
        counts (Tensor): (C,) positives per class.
        exponent (float): 1/3 for MFM, 1/6 for RLC.

    Returns:
        Tensor: (C,) float weights, 1 for the most frequent class.
    """
    counts = counts.float().clamp(min=1)
    return (1 - torch.log(counts / counts.max())).pow(exponent)


def normalised_cooccurrence(cooc: torch.Tensor) -> torch.Tensor:
    """M̃: the (C, C) co-occurrence matrix with each column divided by its
    column sum (empty columns stay 0)."""
    cooc = cooc.float()
    return cooc / cooc.sum(0, keepdim=True).clamp(min=1e-12)


def read_class_counts(class_freq: ArrayOrPath) -> torch.Tensor:
    """(C,) class counts from a sequence or a ``distribution.txt`` path
    (only its last non-empty line counts: C comma-separated ints)."""
    if isinstance(class_freq, str):
        with open(class_freq) as f:
            lines = [line.strip() for line in f if line.strip()]
        if not lines:
            raise ValueError(f'{class_freq}: empty class-count file')
        try:
            class_freq = [int(float(v)) for v in lines[-1].split(',')
                          if v.strip()]
        except ValueError as err:
            raise ValueError(f'{class_freq}: the last line must hold '
                             f'comma-separated counts ({err})') from None
    freq = torch.as_tensor(np.asarray(class_freq), dtype=torch.float32)
    if freq.dim() != 1 or (freq < 0).any():
        raise ValueError('class_freq must be a 1-D list of non-negative '
                         f'counts, got shape {tuple(freq.shape)}')
    return freq


def load_cooccurrence(cooc: ArrayOrPath) -> torch.Tensor:
    """(C, C) co-occurrence counts from an array or a ``.npy`` path."""
    if isinstance(cooc, str):
        cooc = np.load(cooc, allow_pickle=False)
    cooc = torch.as_tensor(np.asarray(cooc), dtype=torch.float32)
    if cooc.dim() != 2 or cooc.shape[0] != cooc.shape[1]:
        raise ValueError('cooccurrence must be a (C, C) array, got shape '
                         f'{tuple(cooc.shape)}')
    return cooc


def check_num_classes(name: str, class_freq: Optional[torch.Tensor],
                      cooc: Optional[torch.Tensor]) -> None:
    """Raise when the class counts and the co-occurrence disagree on C."""
    if class_freq is not None and cooc is not None and \
            cooc.shape[0] != class_freq.numel():
        raise ValueError(f'{name}: class_freq has {class_freq.numel()} '
                         f'classes, cooccurrence {cooc.shape[0]}')
