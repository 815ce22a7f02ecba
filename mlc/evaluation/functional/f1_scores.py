"""Thresholded multi-label scores CP/CR/CF1, OP/OR/OF1, macro-F1
(docs/conventions.md section 7) and per-class threshold tuning.

With TP_c, P̂_c (predicted positives) and G_c (positives) counted over the
entries whose target is not −1:
CP = mean_c TP_c / max(P̂_c, 1), CR = mean_c TP_c / max(G_c, 1),
CF1 = 2·CP·CR / (CP + CR); OP, OR, OF1 pool the counts over classes;
``macro_f1`` = mean_c 2·TP_c / max(P̂_c + G_c, 1) (the per-class F1, 0 when
TP_c = 0). Means run over all C classes. A score is predicted positive when
it is ≥ the threshold (mmpretrain's rule).
"""
from typing import Dict, Tuple, Union

import numpy as np

from .average_precision import (
    check_scores_targets,
    iter_column_chunks,
    sorted_cumulative_counts,
)

F1_KEYS = ('CP', 'CR', 'CF1', 'OP', 'OR', 'OF1', 'macro_f1')


def f1_counts(scores: np.ndarray, targets: np.ndarray,
              thr: Union[float, np.ndarray] = 0.5
              ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-class TP, predicted-positive and positive counts.

    Args:
        scores (array-like): (N, C) sigmoid scores.
        targets (array-like): (N, C) targets in {1, 0, −1}; −1 is ignored.
        thr (float | np.ndarray): scalar or (C,) per-class thresholds.

    Returns:
        tuple: ``tp``, ``num_pred``, ``num_gt``, each (C,) int64.
    """
    scores, targets = check_scores_targets(scores, targets)
    thr = np.asarray(thr, dtype=np.float64)
    if thr.ndim not in (0, 1) or (thr.ndim == 1
                                  and thr.shape[0] != scores.shape[1]):
        raise ValueError(f'thr must be a scalar or ({scores.shape[1]},), got '
                         f'shape {thr.shape}')
    valid = targets != -1
    pred = (scores >= thr) & valid
    pos = targets == 1
    tp = (pred & pos).sum(axis=0, dtype=np.int64)
    return tp, pred.sum(axis=0, dtype=np.int64), pos.sum(axis=0,
                                                         dtype=np.int64)


def _harmonic(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def f1_from_counts(tp: np.ndarray, num_pred: np.ndarray,
                   num_gt: np.ndarray) -> Dict[str, float]:
    """CP, CR, CF1, OP, OR, OF1 and macro_f1 in [0, 1] from (C,) counts."""
    cp = float(np.mean(tp / np.maximum(num_pred, 1)))
    cr = float(np.mean(tp / np.maximum(num_gt, 1)))
    op = float(tp.sum() / max(int(num_pred.sum()), 1))
    o_r = float(tp.sum() / max(int(num_gt.sum()), 1))
    macro_f1 = float(np.mean(2 * tp / np.maximum(num_pred + num_gt, 1)))
    return dict(CP=cp, CR=cr, CF1=_harmonic(cp, cr), OP=op, OR=o_r,
                OF1=_harmonic(op, o_r), macro_f1=macro_f1)


def multilabel_f1(scores: np.ndarray, targets: np.ndarray,
                  thr: Union[float, np.ndarray] = 0.5) -> Dict[str, float]:
    """CP, CR, CF1, OP, OR, OF1 and macro_f1 in [0, 1].

    Args:
        scores (array-like): (N, C) sigmoid scores.
        targets (array-like): (N, C) targets in {1, 0, −1}; −1 is ignored.
        thr (float | np.ndarray): scalar or (C,) per-class thresholds.
    """
    return f1_from_counts(*f1_counts(scores, targets, thr))


def tune_thresholds(scores: np.ndarray, targets: np.ndarray,
                    default: float = 0.5) -> np.ndarray:
    """Per-class thresholds maximising the per-class F1 on the given data.

    Candidates are the distinct scores of each class; among equal F1 the
    highest threshold wins. The returned threshold lies half-way between the
    chosen score and the next lower score of the class (the chosen score if
    it is the lowest, or if the two are adjacent floats), so ``score ≥ thr``
    reproduces the optimum.

    Args:
        scores (array-like): (N, C) sigmoid scores.
        targets (array-like): (N, C) targets in {1, 0, −1}; −1 is ignored.
        default (float): threshold kept for classes without positives.

    Returns:
        np.ndarray: (C,) float64 thresholds.
    """
    scores, targets = check_scores_targets(scores, targets)
    num_rows, num_classes = scores.shape
    thresholds = np.full(num_classes, float(default))
    if num_rows == 0:
        return thresholds
    for cols in iter_column_chunks(num_rows, num_classes):
        sorted_scores, tp_cum, valid_cum, is_end = sorted_cumulative_counts(
            scores[:, cols], targets[:, cols])
        num_gt = tp_cum[-1]
        f1 = np.where(is_end, 2 * tp_cum / np.maximum(valid_cum + num_gt, 1),
                      -1.0)
        best = np.argmax(f1, axis=0)
        lower = np.minimum(best + 1, num_rows - 1)
        chosen = np.take_along_axis(sorted_scores, best[None], axis=0)[0]
        below = np.take_along_axis(sorted_scores, lower[None], axis=0)[0]
        tuned = (chosen.astype(np.float64) + below) / 2
        # Adjacent floats: the midpoint may round onto the lower score.
        tuned = np.where(tuned > below, tuned, chosen)
        thresholds[cols] = np.where(num_gt > 0, tuned, thresholds[cols])
    return thresholds
