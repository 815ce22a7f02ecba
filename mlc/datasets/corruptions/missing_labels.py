"""Missing-label ops: positives or entries become unknown.

All ops read the observed labels of a multi-label file, iterate images in
file order and classes in ascending id, and carry ``clean_pos`` along.
"""
from functools import partial
from typing import Callable, Optional

import numpy as np

from .common import observed_labels, run_op, write_observed


def _check_neg_state(neg_state: int) -> None:
    if neg_state not in (-1, 0):
        raise ValueError(f'neg_state must be -1 or 0, got {neg_state}')


def _keep_subset(ann: dict, choose: Callable[[np.ndarray], np.ndarray],
                 neg_state: int) -> dict:
    """Keep ``choose(pos)`` of each image's positives; the rest of the row
    (dropped positives and negatives) becomes ``neg_state``."""
    observed = observed_labels(ann)
    out = np.full_like(observed, neg_state)
    for i, row in enumerate(observed):
        pos = np.flatnonzero(row == 1)
        if pos.size:
            out[i, choose(pos)] = 1
    write_observed(ann, out, neg_state)
    return ann


def hill_keep_count(num_pos: np.ndarray, k: int) -> np.ndarray:
    """Positives kept by the Hill/SPLC rule: min(n, n // k + 1) (0 if n = 0).

    Args:
        num_pos (np.ndarray): (N,) positives per image.
    """
    return np.minimum(num_pos, num_pos // k + 1)


def resolve_hill_k(num_pos: np.ndarray, keep_fraction: float) -> int:
    """The integer k >= 1 whose kept fraction sum_i min(n_i, n_i // k + 1) /
    sum_i n_i is closest to ``keep_fraction`` (ties -> smaller k).

    Args:
        num_pos (np.ndarray): (N,) positives per image.
    """
    total = num_pos.sum()
    if total == 0:
        raise ValueError('keep_fraction needs at least one positive')
    errors = [abs(hill_keep_count(num_pos, k).sum() / total - keep_fraction)
              for k in range(1, int(num_pos.max()) + 2)]
    return int(np.argmin(errors)) + 1


def _drop_hill(ann: dict, rng: np.random.Generator, k: Optional[int],
               keep_fraction: Optional[float], neg_state: int):
    info = None
    if keep_fraction is not None:
        num_pos = (observed_labels(ann) == 1).sum(1)
        k = resolve_hill_k(num_pos, keep_fraction)
        info = dict(k=k)

    def choose(pos: np.ndarray) -> np.ndarray:
        keep = int(hill_keep_count(np.int64(pos.size), k))
        return pos if keep == pos.size else rng.choice(pos, keep,
                                                       replace=False)

    out = _keep_subset(ann, choose, neg_state)
    return (out, info) if info else out


def drop_positives_hill(annotation: dict, k: Optional[int] = None,
                        keep_fraction: Optional[float] = None,
                        neg_state: int = -1, seed: int = 0) -> dict:
    """Keep m = min(n, n // k + 1) of each image's n positives (Hill/SPLC).

    The kept positives are drawn uniformly without replacement; every other
    class becomes ``neg_state`` (the file's ``unlisted``). Presets:
    ``0.75left`` k=2, ``0.4left`` k=5. With ``keep_fraction`` the k whose
    kept fraction is closest is used and recorded in provenance ``info``.

    Args:
        annotation (dict): Multi-label annotation.
        k (int, optional): Divisor k >= 1.
        keep_fraction (float, optional): Target kept fraction instead of k.
        neg_state (int): -1 (unknown, default) or 0 (missing as negative).
        seed (int): Data seed.
    """
    if (k is None) == (keep_fraction is None):
        raise ValueError('give exactly one of k and keep_fraction')
    if k is not None and k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    _check_neg_state(neg_state)
    params = dict(k=k, keep_fraction=keep_fraction, neg_state=neg_state)
    return run_op(annotation, 'drop_positives_hill', params, seed,
                  _drop_hill)


def _single(ann: dict, rng: np.random.Generator, neg_state: int) -> dict:
    return _keep_subset(
        ann, lambda pos: pos if pos.size == 1 else rng.choice(pos, 1),
        neg_state)


def single_positive(annotation: dict, neg_state: int = -1,
                    seed: int = 0) -> dict:
    """Keep exactly one uniformly chosen positive per image.

    Args:
        annotation (dict): Multi-label annotation.
        neg_state (int): -1 (unknown, default) or 0 for the other classes.
        seed (int): Data seed.
    """
    _check_neg_state(neg_state)
    return run_op(annotation, 'single_positive', dict(neg_state=neg_state),
                  seed, _single)


def _bernoulli(ann: dict, rng: np.random.Generator, p_keep: float,
               min_keep: int, neg_state: int) -> dict:

    def choose(pos: np.ndarray) -> np.ndarray:
        keep = rng.random(pos.size) < p_keep
        missing = min(min_keep, pos.size) - int(keep.sum())
        if missing > 0:
            extra = rng.choice(np.flatnonzero(~keep), missing, replace=False)
            keep[extra] = True
        return pos[keep]

    return _keep_subset(ann, choose, neg_state)


def keep_positives_bernoulli(annotation: dict, p_keep: float,
                             min_keep: int = 0, neg_state: int = -1,
                             seed: int = 0) -> dict:
    """Keep each positive independently with probability ``p_keep``.

    An image left with fewer than ``min_keep`` positives gets uniformly
    chosen dropped ones back (``min_keep=1``: one). Dropped positives and all
    negatives become ``neg_state``.

    Args:
        annotation (dict): Multi-label annotation.
        p_keep (float): Keep probability in [0, 1].
        min_keep (int): Minimum positives kept per image (capped at n).
        neg_state (int): -1 (unknown, default) or 0.
        seed (int): Data seed.
    """
    if not 0 <= p_keep <= 1:
        raise ValueError(f'p_keep must be in [0, 1], got {p_keep}')
    _check_neg_state(neg_state)
    params = dict(p_keep=p_keep, min_keep=min_keep, neg_state=neg_state)
    return run_op(annotation, 'keep_positives_bernoulli', params, seed,
                  _bernoulli)


def _keep_entries(ann: dict, rng: np.random.Generator, p: float,
                  legacy_pu_mlc: bool, seed: int) -> dict:
    observed = observed_labels(ann)
    source = np.random.RandomState(seed) if legacy_pu_mlc else rng
    keep = source.random(observed.shape) < p
    write_observed(ann, np.where(keep, observed, -1).astype(np.int8), -1)
    return ann


def keep_entries(annotation: dict, p: float, legacy_pu_mlc: bool = False,
                 seed: int = 0) -> dict:
    """Keep every (image, class) entry with probability ``p``, positives and
    negatives alike; dropped entries become -1 (PU-MLC protocol).

    Args:
        annotation (dict): Multi-label annotation.
        p (float): Keep probability in [0, 1].
        legacy_pu_mlc (bool): Draw ``RandomState(seed).random((N, C))`` in
            file order instead of the toolkit RNG (bit-for-bit PU-MLC with
            seed 0 and the same image order).
        seed (int): Data seed.
    """
    if not 0 <= p <= 1:
        raise ValueError(f'p must be in [0, 1], got {p}')
    return run_op(annotation, 'keep_entries',
                  dict(p=p, legacy_pu_mlc=legacy_pu_mlc), seed,
                  partial(_keep_entries, seed=seed))
