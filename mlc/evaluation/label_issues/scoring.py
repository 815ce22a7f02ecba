"""Scoring and ranking suspected label issues from out-of-sample probabilities.

Every (image, class) label gets a **calibrated margin**: how far, in log-odds,
the predicted probability lies beyond the class's confident-learning
threshold, in the direction that contradicts the observed label.

- observed 1 (candidate *spurious* positive):
  ``margin = logit(t_neg[c]) - logit(p)``
- observed 0 or -1 (candidate *missing* positive):
  ``margin = logit(p) - logit(t_pos[c])``

``t_pos[c]`` is the mean probability of the observed positives of class c and
``t_neg[c]`` that of its other labels (0 or -1): the per-class thresholds of
cleanlab's confident joint. A label with ``margin > 0`` is *confidently*
contradicted (it lies off the diagonal of the confident joint). Ranking by
the margin, a per-class shift of the logit, instead of by the raw
self-confidence makes classes of different base rates (long tail, partial
labels) comparable: an unlabelled p = 0.6 of a rare class whose observed
positives average 0.3 ranks above an unlabelled p = 0.6 of a common class
whose positives average 0.9.

An image's score aggregates its label margins like cleanlab's multi-label
quality score (an exponential moving average over the sorted scores that
weighs the most suspicious label by ``alpha`` = 0.8, the next by
0.8 * 0.2, ...).

Every function works on row blocks of ``block`` samples, so besides the
(N, C) float32 probabilities / scores and (N, C) int8 labels no other dense
(N, C) float array is allocated.
"""
from typing import Dict, Iterator, Optional, Tuple

import numpy as np

#: ``kind`` codes of the ranked issues
MISSING, SPURIOUS = 'missing', 'spurious'
#: probabilities are clipped to [EPS, 1 - EPS] before the log-odds
EPS = 1e-6
BLOCK = 8192


def _blocks(num: int, block: int) -> Iterator[slice]:
    for start in range(0, num, block):
        yield slice(start, min(start + block, num))


def _check(probs: np.ndarray, observed: np.ndarray) -> None:
    if probs.ndim != 2 or probs.shape != observed.shape:
        raise ValueError(f'probabilities {probs.shape} and observed labels '
                         f'{observed.shape} must both be (N, C)')


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p) - np.log1p(-p)


def class_thresholds(probs: np.ndarray, observed: np.ndarray,
                     block: int = BLOCK) -> Tuple[np.ndarray, np.ndarray]:
    """Per-class confident-learning thresholds.

    Args:
        probs (np.ndarray): (N, C) predicted probabilities in [0, 1].
        observed (np.ndarray): (N, C) int8 observed labels in {1, 0, -1}.
        block (int): Rows per block.

    Returns:
        tuple: ``t_pos`` (C,) mean probability of the observed positives and
        ``t_neg`` (C,) mean probability of the other labels, float64. A class
        without observed positives gets ``t_pos = 1`` (nothing is
        confidently positive); one without others gets ``t_neg = 0``.
    """
    _check(probs, observed)
    num_classes = probs.shape[1]
    sums = np.zeros((2, num_classes))
    counts = np.zeros((2, num_classes))
    for rows in _blocks(len(probs), block):
        p, pos = probs[rows].astype(np.float64), observed[rows] == 1
        sums[0] += np.where(pos, p, 0).sum(0)
        sums[1] += np.where(pos, 0, p).sum(0)
        counts[0] += pos.sum(0)
        counts[1] += (~pos).sum(0)
    t_pos = np.where(counts[0] > 0, sums[0] / np.maximum(counts[0], 1), 1.)
    t_neg = np.where(counts[1] > 0, sums[1] / np.maximum(counts[1], 1), 0.)
    return t_pos, t_neg


def issue_margins(probs: np.ndarray, observed: np.ndarray,
                  thresholds: Optional[Tuple[np.ndarray, np.ndarray]] = None,
                  evidence: Optional[np.ndarray] = None,
                  evidence_weight: float = 1.0,
                  block: int = BLOCK) -> np.ndarray:
    """Calibrated margin of every label (see the module docstring).

    Args:
        probs (np.ndarray): (N, C) probabilities.
        observed (np.ndarray): (N, C) int8 labels in {1, 0, -1}.
        thresholds (tuple, optional): ``(t_pos, t_neg)``, (C,) each;
            default: :func:`class_thresholds` of the inputs.
        evidence (np.ndarray, optional): (N, C) int8, 1 where the method's
            own training-time correction contradicts the observed label
            (:func:`~.evidence.method_evidence`), else 0.
        evidence_weight (float): Log-odds added to the margin where
            ``evidence`` is 1.
        block (int): Rows per block.

    Returns:
        np.ndarray: (N, C) float32 margins; larger = more suspicious.
    """
    _check(probs, observed)
    t_pos, t_neg = thresholds or class_thresholds(probs, observed, block)
    logit_pos = _logit(np.asarray(t_pos, dtype=np.float64))
    logit_neg = _logit(np.asarray(t_neg, dtype=np.float64))
    out = np.empty(probs.shape, dtype=np.float32)
    for rows in _blocks(len(probs), block):
        logit = _logit(probs[rows].astype(np.float64))
        pos = observed[rows] == 1
        margin = np.where(pos, logit_neg - logit, logit - logit_pos)
        if evidence is not None:
            margin += evidence_weight * (evidence[rows] != 0)
        out[rows] = margin
    return out


def rank_issues(margins: np.ndarray, observed: np.ndarray,
                min_margin: float = 0.0) -> Dict[str, np.ndarray]:
    """The labels with ``margin > min_margin``, most suspicious first.

    Args:
        margins (np.ndarray): (N, C) margins of :func:`issue_margins`.
        observed (np.ndarray): (N, C) int8 labels in {1, 0, -1}.
        min_margin (float): Keep labels strictly above it (``-inf``: all).

    Returns:
        dict: (M,) arrays ``row``, ``col`` (int64), ``observed`` (int8),
        ``score`` (float32, the margin), ``kind`` (str: ``'missing'`` for
        observed 0/-1, ``'spurious'`` for observed 1) and ``rank`` (1-based
        within its kind), sorted by decreasing score (ties: row, then col).
    """
    rows, cols = np.nonzero(margins > min_margin)
    score = margins[rows, cols]
    order = np.lexsort((cols, rows, -score))
    rows, cols, score = rows[order], cols[order], score[order]
    obs = observed[rows, cols].astype(np.int8)
    kind = np.where(obs == 1, SPURIOUS, MISSING)
    rank = np.zeros(len(rows), dtype=np.int64)
    for name in (MISSING, SPURIOUS):
        sel = kind == name
        rank[sel] = np.arange(1, int(sel.sum()) + 1)
    return dict(row=rows.astype(np.int64), col=cols.astype(np.int64),
                observed=obs, score=score.astype(np.float32), kind=kind,
                rank=rank)


def ema_weights(num: int, alpha: float = 0.8) -> np.ndarray:
    """(num,) weights of the exponential moving average over scores sorted
    in increasing order: the last (largest) gets ``alpha``, the one before
    ``alpha * (1 - alpha)``, ..., the first ``(1 - alpha) ** (num - 1)``;
    they sum to 1."""
    weights = alpha * (1 - alpha) ** np.arange(num - 1, -1, -1.)
    weights[0] = (1 - alpha) ** (num - 1)
    return weights


def image_scores(margins: np.ndarray, alpha: float = 0.8,
                 block: int = BLOCK) -> np.ndarray:
    """(N,) float32 image score: the exponential moving average of the
    image's sorted label margins (:func:`ema_weights`), dominated by the
    most suspicious label."""
    weights = ema_weights(margins.shape[1], alpha)
    out = np.empty(len(margins), dtype=np.float32)
    for rows in _blocks(len(margins), block):
        out[rows] = np.sort(margins[rows], axis=1) @ weights
    return out


def flagged_images(margins: np.ndarray, min_margin: float = 0.0,
                   block: int = BLOCK) -> np.ndarray:
    """(N,) bool: images with a label of margin above ``min_margin``."""
    out = np.empty(len(margins), dtype=bool)
    for rows in _blocks(len(margins), block):
        out[rows] = (margins[rows] > min_margin).any(1)
    return out


def per_class_summary(issues: Dict[str, np.ndarray], observed: np.ndarray,
                      thresholds: Tuple[np.ndarray, np.ndarray]
                      ) -> Dict[str, np.ndarray]:
    """Per-class counts of the ranked issues.

    Args:
        issues (dict): Output of :func:`rank_issues`.
        observed (np.ndarray): (N, C) int8 labels.
        thresholds (tuple): ``(t_pos, t_neg)``, (C,) each.

    Returns:
        dict: (C,) arrays ``positives`` (observed 1), ``missing`` and
        ``spurious`` (suspected issues), ``t_pos`` and ``t_neg``.
    """
    num_classes = observed.shape[1]
    out = dict(positives=(observed == 1).sum(0).astype(np.int64))
    for name in (MISSING, SPURIOUS):
        out[name] = np.bincount(issues['col'][issues['kind'] == name],
                                minlength=num_classes)
    out['t_pos'], out['t_neg'] = thresholds
    return out
