"""Seeded K-fold split of a multi-label training set, stratified by labels."""
import numpy as np


def stratified_folds(observed: np.ndarray, num_folds: int,
                     seed: int = 0) -> np.ndarray:
    """Fold id of every sample, stratified by its rarest observed positive.

    Samples are shuffled with ``seed``, stably sorted by their rarest
    observed positive class (classes ordered by frequency, then id; images
    without one last) and dealt to the folds in turn, so the images whose
    rarest class is c are spread evenly over the folds for every c (the
    positives of the rarest class exactly, within one).

    Args:
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.
        num_folds (int): K >= 2, at most N.
        seed (int): Shuffle seed.

    Returns:
        np.ndarray: (N,) int64 fold ids in [0, K); fold sizes differ by at
        most one.
    """
    num = len(observed)
    if type(num_folds) is not int or not 2 <= num_folds <= num:
        raise ValueError(f'--folds must be an integer in [2, {num}] (the '
                         f'number of training images), got {num_folds!r}')
    pos = observed == 1
    # rank of each class by (frequency, id): equally rare classes stay apart
    rank = np.empty(observed.shape[1], dtype=np.int64)
    rank[np.argsort(pos.sum(0), kind='stable')] = np.arange(len(rank))
    rarest = np.where(pos, rank[None, :], len(rank)).min(1)
    perm = np.random.default_rng(seed).permutation(num)
    order = perm[np.argsort(rarest[perm], kind='stable')]
    folds = np.empty(num, dtype=np.int64)
    folds[order] = np.arange(num) % num_folds
    return folds
