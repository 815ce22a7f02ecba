"""Corruption toolkit, partial-label candidate sets: uniform and
hierarchical rates, the single-label requirement, CIFAR-100 groups."""
import numpy as np
import pytest
from corruption_fixtures import make_ann

from mlc.datasets.corruptions import (
    audit,
    candidates_hierarchical,
    candidates_uniform,
)


# ------------------------------------------------------------------ candidates
def test_candidates_uniform_size_and_truth():
    num, num_classes, q = 20000, 10, 0.3
    labels = np.random.default_rng(0).integers(num_classes, size=num)
    ann = make_ann([[int(y)] for y in labels], num_classes)
    out = candidates_uniform(ann, q=q, seed=0)
    assert out['metainfo']['task'] == 'pll'
    for entry, y in zip(out['data_list'], labels):
        assert entry['gt_label'] == y and y in entry['candidates']
        assert 'pos' not in entry and 'clean_pos' not in entry
    sizes = np.array([len(e['candidates']) for e in out['data_list']])
    assert abs(sizes.mean() - (1 + q * (num_classes - 1))) < 0.03
    stats = audit(out)
    assert stats['true_label_coverage'] == 1.0
    assert stats['mean_candidate_size'] == pytest.approx(sizes.mean())
    sizes = [len(e['candidates']) for e in candidates_uniform(
        ann, q=0.05, min_false=1)['data_list']]
    assert min(sizes) == 2


def test_candidates_need_single_label():
    with pytest.raises(ValueError, match='exactly one'):
        candidates_uniform(make_ann([[0, 1], [2]], 4), q=0.3)


def test_candidates_hierarchical_rates():
    groups = [[0, 1, 2, 3], [4, 5, 6, 7]]
    ann = make_ann([[0]] * 20000, 8)
    out = candidates_hierarchical(ann, q=0.05, ratio=8, groups=groups)
    cand = np.zeros((20000, 8), bool)
    for i, e in enumerate(out['data_list']):
        cand[i, e['candidates']] = True
    assert cand[:, 0].all()
    assert abs(cand[:, 1:4].mean() - 0.4) < 0.01
    assert abs(cand[:, 4:].mean() - 0.05) < 0.01


def test_cifar100_groups_builtin():
    from mlc.datasets.corruptions.candidates import cifar100_groups
    groups = cifar100_groups()
    assert np.bincount(groups).tolist() == [5] * 20
    # apple (0) is fruit and vegetables (4); beaver (4) aquatic mammals (0);
    # tractor (89) vehicles 2 (19)
    assert groups[[0, 4, 89]].tolist() == [4, 0, 19]
