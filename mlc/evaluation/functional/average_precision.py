"""Per-class non-interpolated average precision (docs/conventions.md,
section 7).

AP_c = Σ_k (R_k − R_{k−1}) · P_k over the distinct score thresholds of class
c (scores sorted descending, equal scores grouped), which equals
``sklearn.metrics.average_precision_score``. Entries whose target is −1 are
ignored. Every class is sorted once; columns are processed in chunks so that
COCO-sized inputs (118k × 80) stay within a few hundred MB.
"""
from typing import Callable, Iterable, Iterator, Tuple

import numpy as np

# Upper bound on the number of (sample, class) entries processed at once.
_MAX_CHUNK_ENTRIES = 1 << 22


def check_scores_targets(scores: np.ndarray,
                         targets: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Validate and convert a score / target pair.

    Args:
        scores (array-like): (N, C) scores; any monotone map of the
            probability (sigmoid scores in practice). Must be finite.
        targets (array-like): (N, C) observed targets in {1, 0, −1}.

    Returns:
        tuple: ``scores`` (N, C) as a floating array and ``targets`` (N, C)
        as int8.
    """
    scores = np.asarray(scores)
    targets = np.asarray(targets)
    if scores.ndim != 2 or scores.shape != targets.shape:
        raise ValueError('scores and targets must both be (N, C) arrays, got '
                         f'{scores.shape} and {targets.shape}')
    if not np.issubdtype(scores.dtype, np.floating):
        scores = scores.astype(np.float64)
    if not np.isfinite(scores).all():
        raise ValueError('scores contain NaN or infinite values')
    if not np.isin(targets, (-1, 0, 1)).all():
        raise ValueError('targets must only contain 1, 0 and -1')
    return scores, targets.astype(np.int8)


def iter_column_chunks(num_rows: int, num_cols: int) -> Iterator[slice]:
    """Yield column slices covering ``num_cols`` columns of ``num_rows`` rows,
    each holding at most ``_MAX_CHUNK_ENTRIES`` entries (at least 1 column)."""
    width = max(1, _MAX_CHUNK_ENTRIES // max(num_rows, 1))
    for start in range(0, num_cols, width):
        yield slice(start, min(start + width, num_cols))


def sorted_cumulative_counts(
        scores: np.ndarray, targets: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sort every column by descending score and accumulate counts.

    Args:
        scores (np.ndarray): (N, K) finite scores.
        targets (np.ndarray): (N, K) targets in {1, 0, −1}.

    Returns:
        tuple:
        - ``sorted_scores`` (N, K): scores of each column, descending.
        - ``tp_cum`` (N, K) int64: positives among the first k+1 entries.
        - ``valid_cum`` (N, K) int64: non-ignored (target ≠ −1) entries among
          the first k+1 entries.
        - ``is_end`` (N, K) bool: True at the last entry of each group of
          equal scores, i.e. at the distinct thresholds.
    """
    order = np.argsort(-scores, axis=0)
    sorted_scores = np.take_along_axis(scores, order, axis=0)
    sorted_targets = np.take_along_axis(targets, order, axis=0)
    tp_cum = np.cumsum(sorted_targets == 1, axis=0, dtype=np.int64)
    valid_cum = np.cumsum(sorted_targets != -1, axis=0, dtype=np.int64)
    is_end = np.ones(scores.shape, dtype=bool)
    is_end[:-1] = sorted_scores[:-1] != sorted_scores[1:]
    return sorted_scores, tp_cum, valid_cum, is_end


def _average_precision_columns(scores: np.ndarray,
                               targets: np.ndarray) -> np.ndarray:
    """AP (K,) of the columns of (N, K) ``scores``/``targets``; NaN for a
    column without positives. Ignored entries never increase a count, so a
    threshold they create has a zero recall step and adds nothing."""
    _, tp_cum, valid_cum, is_end = sorted_cumulative_counts(scores, targets)
    tp_at_end = np.where(is_end, tp_cum, 0)
    # tp_cum is non-decreasing, so the running max of its values at the
    # thresholds is the value at the latest threshold.
    tp_prev = np.zeros_like(tp_cum)
    tp_prev[1:] = np.maximum.accumulate(tp_at_end, axis=0)[:-1]
    tp_step = tp_at_end - np.where(is_end, tp_prev, 0)
    precision = tp_cum / np.maximum(valid_cum, 1)
    num_pos = tp_cum[-1]
    with np.errstate(invalid='ignore', divide='ignore'):
        # a left-to-right sum whatever K: the same rounding for a column
        # alone, in a chunk, or with its ignored entries dropped (their
        # terms are exact zeros), so chunked_average_precision is exact
        ap = np.cumsum(tp_step * precision, axis=0)[-1] / num_pos
    ap[num_pos == 0] = np.nan
    return ap


def average_precision(scores: np.ndarray,
                      targets: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Per-class non-interpolated average precision.

    Args:
        scores (array-like): (N, C) scores (sigmoid probabilities).
        targets (array-like): (N, C) targets in {1, 0, −1}; −1 is ignored.

    Returns:
        tuple:
        - ``ap`` (C,) float64 in [0, 1]; NaN for classes with no positive.
        - ``num_pos`` (C,) int64: number of positives per class.
    """
    scores, targets = check_scores_targets(scores, targets)
    num_rows, num_classes = scores.shape
    ap = np.full(num_classes, np.nan)
    if num_rows == 0:
        return ap, np.zeros(num_classes, dtype=np.int64)
    for cols in iter_column_chunks(num_rows, num_classes):
        ap[cols] = _average_precision_columns(scores[:, cols],
                                              targets[:, cols])
    num_pos = (targets == 1).sum(axis=0, dtype=np.int64)
    return ap, num_pos


def chunked_average_precision(
        score_chunks: Iterable[np.ndarray],
        labelled_entries: Callable[[int, int], Tuple[np.ndarray, np.ndarray,
                                                     np.ndarray]],
        num_classes: int) -> Tuple[np.ndarray, np.ndarray]:
    """Per-class AP with bounded memory, for partial labels at scale.

    Only the labelled (target != −1) entries change an AP, so the scores are
    consumed in row chunks (e.g. per evaluation batch or from a memory-mapped
    file) and only the scores of the labelled entries are kept: memory is
    one chunk plus the labelled entries, never (N, C). The numbers equal
    :func:`average_precision` of the dense scores and targets.

    Args:
        score_chunks (Iterable[np.ndarray]): (B_i, C) scores of consecutive
            rows, in row order.
        labelled_entries (callable): ``labelled_entries(start, stop)`` gives
            the labelled entries of rows ``[start, stop)`` as (K,) row
            offsets from ``start``, (K,) class ids and (K,) targets in
            {1, 0} (e.g. :meth:`SparseLabelStore.entries`).
        num_classes (int): C.

    Returns:
        tuple: ``ap`` (C,) float64 (NaN for classes with no positive) and
        ``num_pos`` (C,) int64, as :func:`average_precision`.
    """
    cols, scores, targets = [], [], []
    start = 0
    for chunk in score_chunks:
        chunk = np.asarray(chunk)
        if chunk.ndim != 2 or chunk.shape[1] != num_classes:
            raise ValueError(f'score chunk at row {start} has shape '
                             f'{chunk.shape}, expected (B, {num_classes})')
        rows, chunk_cols, values = labelled_entries(start,
                                                    start + len(chunk))
        picked = chunk[rows, chunk_cols]
        if not np.issubdtype(picked.dtype, np.floating):
            picked = picked.astype(np.float64)
        if not np.isfinite(picked).all():
            raise ValueError(f'scores of rows {start}-{start + len(chunk)} '
                             'contain NaN or infinite values')
        cols.append(np.asarray(chunk_cols, dtype=np.int64))
        scores.append(picked)
        targets.append(np.asarray(values, dtype=np.int8))
        start += len(chunk)
    if not cols:
        return (np.full(num_classes, np.nan),
                np.zeros(num_classes, dtype=np.int64))
    return entries_average_precision(np.concatenate(cols),
                                     np.concatenate(scores),
                                     np.concatenate(targets), num_classes)


def entries_average_precision(cols: np.ndarray, scores: np.ndarray,
                              targets: np.ndarray, num_classes: int
                              ) -> Tuple[np.ndarray, np.ndarray]:
    """Per-class AP from listed (sample, class) entries only.

    Args:
        cols (np.ndarray): (K,) class id of each entry.
        scores (np.ndarray): (K,) finite score of each entry.
        targets (np.ndarray): (K,) target in {1, 0, −1} (−1 ignored).
        num_classes (int): C.

    Returns:
        tuple: ``ap`` (C,) and ``num_pos`` (C,), equal to
        :func:`average_precision` of the dense (N, C) arrays whose other
        entries are −1.
    """
    ap = np.full(num_classes, np.nan)
    cols = np.asarray(cols, dtype=np.int64)
    scores, targets = np.asarray(scores), np.asarray(targets, dtype=np.int8)
    if not np.isfinite(scores).all():
        raise ValueError('scores contain NaN or infinite values')
    keep = targets != -1
    if not np.isin(targets[keep], (0, 1)).all():
        raise ValueError('targets must only contain 1, 0 and -1')
    cols, scores, targets = cols[keep], scores[keep], targets[keep]
    order = np.argsort(cols, kind='stable')
    cols, scores, targets = cols[order], scores[order], targets[order]
    bounds = np.searchsorted(cols, np.arange(num_classes + 1))
    num_pos = np.bincount(cols[targets == 1], minlength=num_classes)
    for c in np.flatnonzero(num_pos):
        part = slice(bounds[c], bounds[c + 1])
        ap[c] = _average_precision_columns(scores[part, None],
                                           targets[part, None])[0]
    return ap, num_pos.astype(np.int64)


def mean_average_precision(ap: np.ndarray) -> Tuple[float, int]:
    """mAP ×100 over the classes with at least one positive.

    Args:
        ap (np.ndarray): (C,) per-class AP in [0, 1], NaN for empty classes.

    Returns:
        tuple: ``mAP`` (float, ×100; NaN when every class is empty) and
        ``num_empty_classes`` (int, the number of NaN entries).
    """
    ap = np.asarray(ap, dtype=np.float64)
    present = ~np.isnan(ap)
    num_empty = int(ap.size - present.sum())
    if not present.any():
        return float('nan'), num_empty
    return float(ap[present].mean() * 100), num_empty
