"""Corruption toolkit, label ops: dropped positives (Hill rule, single
positive, Bernoulli, PU-MLC entries) and injected noise, hand-checked and
at large-sample rates."""
import numpy as np
from corruption_fixtures import make_ann, matrices, random_ann

from mlc.datasets.corruptions import (
    drop_positives_hill,
    inject_noise,
    keep_entries,
    keep_positives_bernoulli,
    single_positive,
)


# -------------------------------------------------------------- missing labels
def test_hill_rule_hand_checked():
    sizes = [1, 2, 4, 5, 9, 10, 12, 0]
    ann = make_ann([list(range(n)) for n in sizes], 12)
    for k, expected in ((5, [1, 1, 1, 2, 2, 3, 3, 0]),
                        (2, [1, 2, 3, 3, 5, 6, 7, 0])):
        out = drop_positives_hill(ann, k=k, seed=0)
        observed, clean = matrices(out)
        assert (observed == 1).sum(1).tolist() == expected
        assert not ((observed == 1) & (clean == 0)).any()  # kept are true
        assert set(np.unique(observed)) <= {1, -1}
        assert out['metainfo']['unlisted'] == -1
    neg = drop_positives_hill(ann, k=5, neg_state=0)
    assert neg['metainfo']['unlisted'] == 0
    assert set(np.unique(matrices(neg)[0])) <= {0, 1}


def test_hill_keep_fraction_resolves_k():
    # n = 4, 4: k=1 keeps 8/8, k=2 6/8, k=3 4/8, k=4 4/8, k=5 2/8
    ann = make_ann([[0, 1, 2, 3], [1, 2, 3, 4]], 6)
    out = drop_positives_hill(ann, keep_fraction=0.5)
    assert out['metainfo']['provenance'][-1]['info'] == dict(k=3)  # tie -> 3
    assert (matrices(out)[0] == 1).sum() == 4
    out = drop_positives_hill(ann, keep_fraction=0.7)
    assert out['metainfo']['provenance'][-1]['info'] == dict(k=2)


def test_single_positive():
    ann = make_ann([[0, 3, 5], [2], [], [1, 4]], 6)
    observed, clean = matrices(single_positive(ann, seed=4))
    assert (observed == 1).sum(1).tolist() == [1, 1, 0, 1]
    assert not ((observed == 1) & (clean == 0)).any()


def test_bernoulli_kept_fraction():
    ann = random_ann(num=20000, num_classes=10, num_pos=3)
    observed, clean = matrices(keep_positives_bernoulli(ann, p_keep=0.6))
    kept = (observed == 1).sum() / clean.sum()
    assert abs(kept - 0.6) < 0.01
    assert not ((observed == 1) & (clean == 0)).any()
    assert not (observed == 0).any()
    empty = ((observed == 1).sum(1) == 0).mean()
    assert abs(empty - 0.4 ** 3) < 0.01
    observed, _ = matrices(keep_positives_bernoulli(ann, p_keep=0.2,
                                                    min_keep=1))
    assert ((observed == 1).sum(1) >= 1).all()


def test_keep_entries_legacy_pu_mlc():
    num, num_classes = 60, 7
    rng = np.random.default_rng(5)
    pos = [np.flatnonzero(rng.random(num_classes) < 0.4).tolist()
           for _ in range(num)]
    ann = make_ann(pos, num_classes)
    full = matrices(ann)[0]
    out = keep_entries(ann, p=0.3, legacy_pu_mlc=True, seed=0)
    observed = matrices(out)[0]
    mask = np.random.RandomState(0).random((num, num_classes)) < 0.3
    assert np.array_equal(observed != -1, mask)
    assert np.array_equal(observed[mask], full[mask])
    assert out['metainfo']['unlisted'] == -1
    # observed negatives are written to ``neg``
    assert sum(len(e['neg']) for e in out['data_list']) == \
        int((observed == 0).sum()) > 0


# ----------------------------------------------------------------------- noise
def test_inject_noise_rates():
    num_classes, num_pos, r = 10, 3, 0.5
    ann = random_ann(num=20000, num_classes=num_classes, num_pos=num_pos)
    observed, clean = matrices(inject_noise(ann, r=r, seed=0))
    assert set(np.unique(observed)) <= {0, 1}
    assert ((observed == 1).sum(1) == num_pos).all()  # |P| kept
    p10 = ((observed == 0) & (clean == 1)).sum() / clean.sum()
    p01 = ((observed == 1) & (clean == 0)).sum() / (clean == 0).sum()
    assert abs(p10 - r) < 0.01
    assert abs(p01 - r * num_pos / (num_classes - num_pos)) < 0.01


def test_inject_noise_edge_cases():
    # all classes positive (A empty) with r=1: one removed positive restored;
    # an image without positives is left without positives
    ann = make_ann([[0, 1, 2], [], [0]], 3)
    observed, _ = matrices(inject_noise(ann, r=1.0))
    assert (observed == 1).sum(1).tolist() == [1, 0, 1]
    # r=1 with room: every positive replaced by a spurious one
    ann = make_ann([[0, 1]] * 50, 6)
    observed, _ = matrices(inject_noise(ann, r=1.0))
    assert (observed[:, :2] == 0).all() and ((observed == 1).sum(1) == 2).all()


def test_inject_noise_prior_never_draws_unseen_classes():
    ann = make_ann([[0, 1], [1, 2], [0, 2]] * 100, 8)
    observed, _ = matrices(inject_noise(ann, r=0.5, spurious='prior'))
    assert not (observed[:, 3:] == 1).any()
