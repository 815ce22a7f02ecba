"""cleanlab's multi-label label-issue finder on the same probabilities
(the reference of the comparison; ``cleanlab`` is an optional dependency).
"""
from typing import List, Tuple

import numpy as np


def _cleanlab():
    try:
        import cleanlab  # noqa: F401
        from cleanlab.multilabel_classification import filter as ml_filter
        from cleanlab.multilabel_classification import rank as ml_rank
    except ImportError:
        raise ImportError('the comparison with cleanlab needs the optional '
                          'dependency cleanlab: pip install -r '
                          'requirements/optional.txt') from None
    return ml_filter, ml_rank


def label_lists(observed: np.ndarray) -> List[List[int]]:
    """cleanlab's multi-label format: the observed positive ids per image
    (0 and -1 both count as not positive)."""
    return [np.flatnonzero(row == 1).tolist() for row in observed]


def cleanlab_pairs(probs: np.ndarray, observed: np.ndarray
                   ) -> Tuple[np.ndarray, np.ndarray]:
    """cleanlab's (image, class) view: its per-class binary issues.

    Args:
        probs (np.ndarray): (N, C) probabilities.
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.

    Returns:
        tuple: (N, C) float32 suspicion ``1 - self_confidence`` (the
        probability of the other binary label, cleanlab's per-class
        ranking) and (N, C) bool issues of
        ``find_multilabel_issues_per_class``.
    """
    ml_filter, _ = _cleanlab()
    pos = observed == 1
    flagged = np.asarray(ml_filter.find_multilabel_issues_per_class(
        labels=label_lists(observed), pred_probs=probs, n_jobs=1), bool)
    if flagged.shape != probs.shape:
        raise ValueError(f'cleanlab returned per-class issues of shape '
                         f'{flagged.shape}, expected {probs.shape}')
    suspicion = np.where(pos, 1 - probs, probs).astype(np.float32)
    return suspicion, flagged


def cleanlab_images(probs: np.ndarray, observed: np.ndarray
                    ) -> Tuple[np.ndarray, np.ndarray]:
    """cleanlab's image view.

    Returns:
        tuple: (N,) float32 suspicion ``1 - get_label_quality_scores`` and
        (N,) bool images of ``find_label_issues``.
    """
    ml_filter, ml_rank = _cleanlab()
    labels = label_lists(observed)
    quality = ml_rank.get_label_quality_scores(labels=labels,
                                               pred_probs=probs)
    flagged = np.asarray(ml_filter.find_label_issues(
        labels=labels, pred_probs=probs, n_jobs=1), bool)
    return (1 - quality).astype(np.float32), flagged
