"""Scoring and ranking suspected label issues from out-of-sample probabilities.

Every (image, class) label gets a **calibrated margin**: how far, in log-odds,
the predicted probability lies beyond the class's confident-learning
threshold, in the direction that contradicts the observed label.

- observed 1 (candidate *spurious* positive):
  ``margin = logit(t_neg[c]) - logit(p)``
- observed 0 or -1 (candidate *missing* positive):
  ``margin = logit(p) - logit(t_pos[c])``

``t_pos`` is the mean probability of all observed positives and ``t_neg``
that of all other labels (0 or -1): confident learning's thresholds, pooled
over the classes. A label with ``margin > 0`` is *confidently* contradicted.
Within a kind the margin orders labels as their self-confidence does (as
cleanlab's per-class ranking); the two thresholds put the two kinds on one
scale, so an image's most suspected label (its largest margin) can be a
missing or a spurious one. Per-class thresholds (``per_class=True``, cleanlab's
confident joint) were the default before: on DigitMosaic long tail + noise
the tail classes' observed positives average p = 0.12-0.16 (few, and half of
them wrong) against 0.45 for the head, so the per-class shift ranked the
tail's unlabelled labels first and precision@400 of missing positives fell
to 70.8% against cleanlab's 98.0% (docs/results/label-issues.md).

An image's score is cleanlab's multi-label quality score in suspicion form:
the exponential moving average over the image's sorted label suspicions
(``p`` for an unlabelled label, ``1 - p`` for a positive, evidence
included) that weighs the most suspicious label by ``alpha`` = 0.8, the next
by 0.8 * 0.2, ...

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
                     block: int = BLOCK, per_class: bool = False
                     ) -> Tuple[np.ndarray, np.ndarray]:
    """Confident-learning thresholds, pooled over the classes (default) or
    per class.

    Args:
        probs (np.ndarray): (N, C) predicted probabilities in [0, 1].
        observed (np.ndarray): (N, C) int8 observed labels in {1, 0, -1}.
        block (int): Rows per block.
        per_class (bool): One threshold pair per class (the per-class
            summary) instead of the pooled pair repeated for every class.

    Returns:
        tuple: ``t_pos`` (C,) mean probability of the observed positives and
        ``t_neg`` (C,) mean probability of the other labels, float64. With
        no observed positive ``t_pos = 1`` (nothing is confidently
        positive); with no other label ``t_neg = 0``.
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
    if not per_class:
        sums = sums.sum(1, keepdims=True).repeat(num_classes, 1)
        counts = counts.sum(1, keepdims=True).repeat(num_classes, 1)
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


def image_scores(margins: np.ndarray, observed: np.ndarray,
                 thresholds: Tuple[np.ndarray, np.ndarray],
                 alpha: float = 0.8, block: int = BLOCK) -> np.ndarray:
    """(N,) float32 image score: the exponential moving average
    (:func:`ema_weights`) of the image's sorted label suspicions, dominated
    by the most suspicious label (see the module docstring).

    Args:
        margins (np.ndarray): (N, C) margins of :func:`issue_margins`.
        observed (np.ndarray): (N, C) int8 labels in {1, 0, -1}.
        thresholds (tuple): The ``(t_pos, t_neg)`` the margins used.
        alpha (float): Weight of the most suspicious label.
        block (int): Rows per block.
    """
    _check(margins, observed)
    weights = ema_weights(margins.shape[1], alpha)
    logit_pos = _logit(np.asarray(thresholds[0], dtype=np.float64))
    logit_neg = _logit(np.asarray(thresholds[1], dtype=np.float64))
    out = np.empty(len(margins), dtype=np.float32)
    for rows in _blocks(len(margins), block):
        pos = observed[rows] == 1
        # back from the margin to the suspicion's log-odds (evidence kept)
        odds = margins[rows] + np.where(pos, -logit_neg, logit_pos)
        suspicion = 1. / (1. + np.exp(-odds))
        out[rows] = np.sort(suspicion, axis=1) @ weights
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
