"""Seeded stratified hold-out split of a training file (protocol
``holdout``, docs/conventions.md section 7)."""
import copy
from typing import Tuple

import numpy as np

from .common import (
    annotation_sha1,
    apply_clean_rule,
    candidate_matrix,
    finish,
    is_repeat,
    observed_labels,
    op_rng,
    provenance_entry,
    task,
)


def stratum(labels: np.ndarray) -> np.ndarray:
    """Stratum of each image: its rarest observed label (-1 without any).

    Args:
        labels (np.ndarray): (N, C) bool observed positives (multi-label) or
            candidates (PLL); rarity = column sums, ties -> smaller id.

    Returns:
        np.ndarray: (N,) int64 class id or -1.
    """
    freq = labels.sum(0)
    order = np.argsort(freq, kind='stable')
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    ranked = np.where(labels, rank[None, :], order.size)
    best = ranked.min(1)
    return np.where(best < order.size, order[np.minimum(best, order.size - 1)],
                    -1)


def split_holdout(annotation: dict, frac: float,
                  seed: int = 0) -> Tuple[dict, dict]:
    """Move a stratified fraction of a training file into a val file.

    Images are grouped by their rarest observed label (:func:`stratum`);
    from each group (ascending id, -1 first) round(frac * size) uniformly
    chosen images go to val. Both outputs keep file order, get
    ``metainfo.protocol = 'holdout'`` and a provenance entry whose ``info``
    names the part. Splitting an output of the same split again raises.

    Args:
        annotation (dict): Training annotation (multi-label or PLL).
        frac (float): Fraction moved to val, in (0, 1).
        seed (int): Data seed.

    Returns:
        tuple: ``(train, val)`` annotations.
    """
    if not 0 < frac < 1:
        raise ValueError(f'frac must be in (0, 1), got {frac}')
    params = dict(frac=frac)
    if is_repeat(annotation, 'split_holdout', params, seed):
        raise ValueError('the input is already a part of split_holdout('
                         f'frac={frac}, seed={seed})')
    labels = (candidate_matrix(annotation) if task(annotation) == 'pll' else
              observed_labels(annotation) == 1)
    groups = stratum(labels)
    rng = op_rng(seed, 'split_holdout')
    to_val = np.zeros(groups.size, dtype=bool)
    for g in np.unique(groups):
        members = np.flatnonzero(groups == g)
        take = int(round(frac * members.size))
        to_val[rng.permutation(members)[:take]] = True
    work = copy.deepcopy(annotation)
    apply_clean_rule(work)
    sha1 = annotation_sha1(annotation)
    parts = []
    for name, mask in (('train', ~to_val), ('val', to_val)):
        part = copy.deepcopy(work)
        part['data_list'] = [e for e, m in zip(work['data_list'], mask) if m]
        part['metainfo']['protocol'] = 'holdout'
        parts.append(finish(part, provenance_entry(
            'split_holdout', params, seed, sha1,
            dict(part=name, num_images=int(mask.sum())))))
    return parts[0], parts[1]
