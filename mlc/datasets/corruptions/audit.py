"""Statistics of an annotation file, for corruption audits.

Reads clean labels (``clean_pos``, ``gt_label``): an analysis tool, never
used by training code.
"""
import numpy as np

from .common import (
    candidate_matrix,
    clean_labels,
    num_classes,
    observed_labels,
    task,
)


def _rate(num: int, den: int) -> float:
    return float(num / den) if den else float('nan')


def _hist(counts: np.ndarray) -> list:
    """Number of images with 0, 1, 2, … labels."""
    return np.bincount(counts).tolist()


def _audit_multilabel(ann: dict) -> dict:
    observed = observed_labels(ann)
    pos = observed == 1
    out = dict(
        unlisted=ann['metainfo'].get('unlisted', -1),
        observed_pos_per_class=pos.sum(0).tolist(),
        observed_neg_per_class=(observed == 0).sum(0).tolist(),
        unknown_per_class=(observed == -1).sum(0).tolist(),
        unknown_fraction=float((observed == -1).mean()) if observed.size
        else float('nan'),
        labels_per_image=float(pos.sum(1).mean()) if len(pos) else 0.0,
        positives_per_image_hist=_hist(pos.sum(1)),
        images_without_positive=int((pos.sum(1) == 0).sum()))
    clean = clean_labels(ann)
    if clean is not None:
        true, false = clean == 1, clean == 0
        out.update(
            clean_pos_per_class=true.sum(0).tolist(),
            clean_labels_per_image=float(true.sum(1).mean()),
            clean_positives_per_image_hist=_hist(true.sum(1)),
            kept_fraction=_rate(int((pos & true).sum()), int(true.sum())),
            true_pos_per_class=(pos & true).sum(0).tolist(),
            kept_fraction_per_class=[
                _rate(int(k), int(n)) for k, n in
                zip((pos & true).sum(0), true.sum(0))],
            missing_rate=_rate(int(((observed == -1) & true).sum()),
                               int(true.sum())),
            flip_pos_to_neg=_rate(int(((observed == 0) & true).sum()),
                                  int(true.sum())),
            flip_neg_to_pos=_rate(int((pos & false).sum()),
                                  int(false.sum())),
            observed_precision=_rate(int((pos & true).sum()),
                                     int(pos.sum())))
    return out


def _audit_pll(ann: dict) -> dict:
    cand = candidate_matrix(ann)
    labels = np.array([e['gt_label'] for e in ann['data_list']],
                      dtype=np.int64)
    sizes = cand.sum(1)
    covered = cand[np.arange(labels.size), labels]
    return dict(
        gt_per_class=np.bincount(labels, minlength=cand.shape[1]).tolist(),
        candidates_per_class=cand.sum(0).tolist(),
        mean_candidate_size=float(sizes.mean()) if sizes.size else 0.0,
        candidate_size_hist=_hist(sizes),
        true_label_coverage=_rate(int(covered.sum()), int(labels.size)),
        images_missing_true_label=int((~covered).sum()))


def audit(annotation: dict) -> dict:
    """Statistics of an annotation (JSON-serialisable).

    Multi-label: per-class observed positive / negative / unknown counts,
    unknown fraction, positives per image (mean, histogram), images without
    positive; with ``clean_pos`` also clean counts and histogram, kept
    fraction P(obs=1 | clean=1) (overall and per class), missing rate
    P(obs=-1 | clean=1), flip rates P(obs=0 | clean=1) and
    P(obs=1 | clean=0) and the precision of observed positives. PLL:
    per-class true-label and candidate counts, candidate-set sizes and
    true-label coverage. Rates without a denominator are NaN.

    Args:
        annotation (dict): Standard annotation.

    Returns:
        dict: ``task``, ``num_images``, ``num_classes`` and the statistics.
    """
    stats = dict(task=task(annotation),
                 num_images=len(annotation['data_list']),
                 num_classes=num_classes(annotation))
    stats.update(_audit_pll(annotation) if stats['task'] == 'pll' else
                 _audit_multilabel(annotation))
    return stats
