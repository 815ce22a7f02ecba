"""CF1/OF1/macro-F1 and threshold tuning against scikit-learn."""
import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from mlc.evaluation.functional import f1_counts, multilabel_f1, tune_thresholds


def random_problem(seed: int, n: int = 300, c: int = 8, unknown: float = 0.0):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.random((n, c)), 2)
    targets = (rng.random((n, c)) < rng.uniform(0.05, 0.6, c)).astype(float)
    targets[rng.random((n, c)) < unknown] = -1
    return scores, targets


def harmonic(p, r):
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def sklearn_f1(scores, targets, thr):
    """The docs/conventions.md §7 numbers built from sklearn, class by class
    on the
    non-ignored entries; pooled numbers on the flattened non-ignored
    entries. zero_division=0 gives TP/max(P̂, 1) and TP/max(G, 1)."""
    thr = np.broadcast_to(np.asarray(thr, dtype=float), scores.shape[1:])
    pred = (scores >= thr).astype(int)
    cp, cr, cf = [], [], []
    for c in range(scores.shape[1]):
        keep = targets[:, c] != -1
        y, p = targets[keep, c].astype(int), pred[keep, c]
        cp.append(precision_score(y, p, zero_division=0))
        cr.append(recall_score(y, p, zero_division=0))
        cf.append(f1_score(y, p, zero_division=0))
    keep = targets != -1
    y, p = targets[keep].astype(int), pred[keep]
    op = precision_score(y, p, zero_division=0)
    o_r = recall_score(y, p, zero_division=0)
    return dict(CP=np.mean(cp), CR=np.mean(cr),
                CF1=harmonic(np.mean(cp), np.mean(cr)), OP=op, OR=o_r,
                OF1=f1_score(y, p, zero_division=0), macro_f1=np.mean(cf))


def assert_close(ours, ref):
    assert ours.keys() == ref.keys()
    for key in ref:
        assert ours[key] == pytest.approx(ref[key], abs=1e-12), key


@pytest.mark.parametrize('seed', [0, 1])
def test_fully_observed_matches_sklearn_averages(seed):
    scores, targets = random_problem(seed)
    ours = multilabel_f1(scores, targets, 0.5)
    y, p = targets.astype(int), (scores >= 0.5).astype(int)
    # Without -1 entries sklearn's multi-label averages coincide directly.
    kw = dict(zero_division=0)
    assert ours['CP'] == pytest.approx(
        precision_score(y, p, average='macro', **kw))
    assert ours['CR'] == pytest.approx(
        recall_score(y, p, average='macro', **kw))
    assert ours['macro_f1'] == pytest.approx(
        f1_score(y, p, average='macro', **kw))
    assert ours['OP'] == pytest.approx(
        precision_score(y, p, average='micro', **kw))
    assert ours['OR'] == pytest.approx(
        recall_score(y, p, average='micro', **kw))
    assert ours['OF1'] == pytest.approx(f1_score(y, p, average='micro', **kw))
    assert ours['CF1'] == pytest.approx(harmonic(ours['CP'], ours['CR']))


@pytest.mark.parametrize('seed', [2, 3])
def test_unknown_entries_ignored(seed):
    scores, targets = random_problem(seed, unknown=0.3)
    assert_close(multilabel_f1(scores, targets, 0.5),
                 sklearn_f1(scores, targets, 0.5))


def test_empty_class_and_no_predictions():
    scores, targets = random_problem(4, unknown=0.1)
    targets[:, 1] = np.minimum(targets[:, 1], 0)  # no positive
    scores[:, 3] = 0.0  # never predicted
    ours = multilabel_f1(scores, targets, 0.5)
    assert_close(ours, sklearn_f1(scores, targets, 0.5))
    tp, num_pred, num_gt = f1_counts(scores, targets, 0.5)
    assert num_gt[1] == 0 and num_pred[3] == 0 and tp[1] == tp[3] == 0


def test_threshold_is_inclusive_and_per_class():
    scores = np.array([[0.5, 0.3], [0.2, 0.7]])
    targets = np.array([[1, 0], [0, 1]])
    assert multilabel_f1(scores, targets, 0.5)['OF1'] == pytest.approx(1.0)
    per_class = np.array([0.6, 0.2])
    tp, num_pred, num_gt = f1_counts(scores, targets, per_class)
    assert tp.tolist() == [0, 1] and num_pred.tolist() == [0, 2]
    assert_close(multilabel_f1(scores, targets, per_class),
                 sklearn_f1(scores, targets, per_class))
    with pytest.raises(ValueError):
        f1_counts(scores, targets, np.array([0.5, 0.5, 0.5]))


@pytest.mark.parametrize('seed', [5, 6])
def test_tune_thresholds_maximises_per_class_f1(seed):
    scores, targets = random_problem(seed, n=120, c=5, unknown=0.2)
    targets[:, 4] = np.minimum(targets[:, 4], 0)  # no positive: keeps default
    thr = tune_thresholds(scores, targets, default=0.5)
    assert thr[4] == 0.5
    for c in range(4):
        keep = targets[:, c] != -1
        y, s = targets[keep, c].astype(int), scores[keep, c]
        best = max(f1_score(y, (s >= t).astype(int), zero_division=0)
                   for t in np.unique(s))
        got = f1_score(y, (s >= thr[c]).astype(int), zero_division=0)
        assert got == pytest.approx(best)
        # The threshold lies strictly between two observed scores or on one.
        assert not np.any(np.isclose(scores[:, c], thr[c])) or \
            thr[c] == scores[:, c].min()
