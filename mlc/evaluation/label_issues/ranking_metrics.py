"""Precision@k and recall of ranked label issues against clean labels.

Ground truth of a simulated benchmark (``clean_pos`` of the annotation):

- a **missing** positive is an observed 0 or -1 whose clean label is 1;
- a **spurious** positive is an observed 1 whose clean label is 0;
- an image has an issue when any of its labels is one of these;
- an image is **pointed at** when its most suspected label (the largest
  pair score of its row) is one of these: what a re-annotator is sent to
  look at is wrong, not merely some label of the image.
"""
from typing import Dict, Sequence

import numpy as np


def true_issues(observed: np.ndarray, clean: np.ndarray
                ) -> Dict[str, np.ndarray]:
    """(N, C) bool masks ``missing`` and ``spurious`` of the true issues.

    Args:
        observed (np.ndarray): (N, C) labels in {1, 0, -1}.
        clean (np.ndarray): (N, C) clean labels in {0, 1}.
    """
    if observed.shape != clean.shape:
        raise ValueError(f'observed {observed.shape} and clean '
                         f'{clean.shape} labels differ in shape')
    return dict(missing=(observed != 1) & (clean == 1),
                spurious=(observed == 1) & (clean == 0))


def precision_recall_at(hits: np.ndarray, num_true: int,
                        ks: Sequence[int]) -> Dict[str, float]:
    """Precision and recall of the first k of a ranked list.

    Args:
        hits (np.ndarray): (M,) bool, ranked list: whether item m is a true
            issue.
        num_true (int): Number of true issues (recall's denominator).
        ks (Sequence[int]): Cut-offs; a k beyond M uses the M items (its
            precision is over M).

    Returns:
        dict: ``P@k`` and ``R@k`` for every k, plus ``precision``/``recall``
        of the whole list and ``flagged`` (M); NaN where undefined.
    """
    hits = np.asarray(hits, dtype=bool)
    cum = np.cumsum(hits)
    out: Dict[str, float] = {}
    for k in ks:
        n = min(int(k), len(hits))
        found = float(cum[n - 1]) if n else 0.
        out[f'P@{k}'] = found / n if n else float('nan')
        out[f'R@{k}'] = found / num_true if num_true else float('nan')
    total = float(cum[-1]) if len(hits) else 0.
    out['precision'] = total / len(hits) if len(hits) else float('nan')
    out['recall'] = total / num_true if num_true else float('nan')
    out['flagged'] = float(len(hits))
    return out


def pair_hits(rows: np.ndarray, cols: np.ndarray,
              truth: np.ndarray) -> np.ndarray:
    """(M,) bool: whether ranked pair (rows[m], cols[m]) is in ``truth``
    ((N, C) bool)."""
    return truth[rows, cols]


def ranked_report(score: np.ndarray, flagged: np.ndarray, truth: np.ndarray,
                  candidates: np.ndarray, ks: Sequence[int]
                  ) -> Dict[str, float]:
    """Precision@k of a full ranking and precision/recall of a flagged set.

    Args:
        score (np.ndarray): (M,) suspicion of every item (larger first;
            ties keep item order).
        flagged (np.ndarray): (M,) bool, the items the method reports.
        truth (np.ndarray): (M,) bool, true issues.
        candidates (np.ndarray): (M,) bool, the items of this list (e.g.
            observed 1 for spurious positives); others are ignored.
        ks (Sequence[int]): Cut-offs.

    Returns:
        dict: ``P@k``/``R@k`` of the ranking of the candidates, then
        ``precision``, ``recall`` and ``flagged`` of the flagged candidates,
        ``true`` (true issues) and ``ranked`` (candidates).
    """
    idx = np.flatnonzero(candidates)
    order = idx[np.argsort(-score[idx], kind='stable')]
    num_true = int(truth[idx].sum())
    out = precision_recall_at(truth[order], num_true, ks)
    flagged_set = precision_recall_at(truth[idx[flagged[idx]]], num_true, ())
    out.update(flagged_set)
    out['true'] = float(num_true)
    out['ranked'] = float(len(idx))
    return out


def issue_report(margins: np.ndarray, flagged: np.ndarray,
                 observed: np.ndarray, clean: np.ndarray, ks: Sequence[int],
                 image_score: np.ndarray, image_flagged: np.ndarray
                 ) -> Dict[str, Dict[str, float]]:
    """:func:`ranked_report` of missing positives, spurious positives (both
    at the (image, class) level) and of images with any issue.

    Args:
        margins (np.ndarray): (N, C) pair suspicion (larger first).
        flagged (np.ndarray): (N, C) bool reported pairs.
        observed (np.ndarray): (N, C) observed labels in {1, 0, -1}.
        clean (np.ndarray): (N, C) clean labels in {0, 1}.
        ks (Sequence[int]): Cut-offs.
        image_score (np.ndarray): (N,) image suspicion (larger first).
        image_flagged (np.ndarray): (N,) bool reported images.

    Returns:
        dict: ``missing``, ``spurious``, ``image`` and ``image_pointed``
        (images ranked by ``image_score`` whose most suspected label is a
        true issue; recall over the images with an issue) -> metrics.
    """
    truth = true_issues(observed, clean)
    pos = (observed == 1).ravel()
    score, flag = margins.ravel(), flagged.ravel()
    out = dict(
        missing=ranked_report(score, flag, truth['missing'].ravel(), ~pos,
                              ks),
        spurious=ranked_report(score, flag, truth['spurious'].ravel(), pos,
                               ks))
    image_truth = (truth['missing'] | truth['spurious']).any(1)
    out['image'] = ranked_report(image_score, image_flagged, image_truth,
                                 np.ones(len(image_truth), bool), ks)
    out['image_pointed'] = pointed_report(margins, truth, image_score,
                                          image_flagged, ks)
    return out


def pointed_report(margins: np.ndarray, truth: Dict[str, np.ndarray],
                   image_score: np.ndarray, image_flagged: np.ndarray,
                   ks: Sequence[int]) -> Dict[str, float]:
    """Precision@k and flagged precision/recall of images whose most
    suspected label is a true issue.

    Args:
        margins (np.ndarray): (N, C) pair suspicion.
        truth (dict): ``missing`` and ``spurious`` (N, C) bool masks.
        image_score (np.ndarray): (N,) image suspicion (larger first).
        image_flagged (np.ndarray): (N,) bool reported images.
        ks (Sequence[int]): Cut-offs.
    """
    issue = truth['missing'] | truth['spurious']
    rows = np.arange(len(issue))
    pointed = issue[rows, np.argmax(margins, axis=1)]
    num_true = int(issue.any(1).sum())
    order = np.argsort(-image_score, kind='stable')
    out = precision_recall_at(pointed[order], num_true, ks)
    out.update(precision_recall_at(pointed[image_flagged], num_true, ()))
    out['true'] = float(num_true)
    out['ranked'] = float(len(order))
    return out
