"""Corruption toolkit: rules, hand-checked fixtures and
large-sample rates."""
import copy
import json
import os.path as osp
import runpy
import sys

import numpy as np
import pytest

from mlc.datasets.annotation import dense_labels
from mlc.datasets.corruptions import (
    OP_IDS,
    OPS,
    annotation_sha1,
    audit,
    candidates_hierarchical,
    candidates_uniform,
    class_split,
    drop_positives_hill,
    dumps_canonical,
    inject_noise,
    keep_entries,
    keep_positives_bernoulli,
    longtail_subsample,
    save_annotation,
    single_positive,
    split_holdout,
)
from mlc.datasets.corruptions.longtail import exp_reference, pareto_reference
from mlc.version import __version__

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def make_ann(pos_lists, num_classes, unlisted=0, provenance=None,
             clean=False):
    """A multi-label annotation with the given positives per image."""
    data_list = []
    for i, pos in enumerate(pos_lists):
        entry = dict(img_path=f'{i:05d}.png', pos=list(pos), neg=[])
        if clean:
            entry['clean_pos'] = list(pos)
        data_list.append(entry)
    return dict(metainfo=dict(classes=[f'c{c}' for c in range(num_classes)],
                              task='multilabel', unlisted=unlisted,
                              provenance=list(provenance or [])),
                data_list=data_list)


def random_ann(num=20000, num_classes=10, num_pos=3, seed=0):
    """Fully observed images with ``num_pos`` random positives each."""
    rng = np.random.default_rng(seed)
    pos = [np.sort(rng.choice(num_classes, num_pos, replace=False)).tolist()
           for _ in range(num)]
    return make_ann(pos, num_classes)


def matrices(ann):
    observed, clean = dense_labels(ann)
    return observed, clean


# --------------------------------------------------------------- common rules
def test_provenance_entry_appended():
    ann = make_ann([[0, 1], [2]], 4)
    out = drop_positives_hill(ann, k=5, seed=3)
    prov = out['metainfo']['provenance']
    assert len(prov) == 1
    assert prov[0] == dict(op='drop_positives_hill',
                           params=dict(k=5, keep_fraction=None, neg_state=-1),
                           seed=3, input_sha1=annotation_sha1(ann),
                           tool_version=__version__)
    out2 = inject_noise(out, r=0.5, seed=3)
    assert [p['op'] for p in out2['metainfo']['provenance']] == [
        'drop_positives_hill', 'inject_noise']
    assert out2['metainfo']['provenance'][1]['input_sha1'] == \
        annotation_sha1(out)


def test_input_not_modified():
    ann = make_ann([[0, 1], [2, 3]], 4)
    before = dumps_canonical(ann)
    keep_positives_bernoulli(ann, p_keep=0.5)
    assert dumps_canonical(ann) == before


@pytest.mark.parametrize('op,params', [
    ('drop_positives_hill', dict(k=2)),
    ('drop_positives_hill', dict(keep_fraction=0.5)),
    ('single_positive', {}),
    ('keep_positives_bernoulli', dict(p_keep=0.5)),
    ('keep_entries', dict(p=0.5)),
    ('inject_noise', dict(r=0.5)),
    ('longtail_subsample', dict(profile='exp', n_max=30, rho=10)),
])
def test_idempotent_on_own_output(op, params):
    ann = random_ann(num=200, num_classes=6, num_pos=2)
    once = OPS[op](ann, seed=1, **params)
    twice = OPS[op](once, seed=1, **params)
    assert dumps_canonical(twice) == dumps_canonical(once)
    # another seed or other params is a different op: applied again
    again = OPS[op](once, seed=2, **params)
    assert len(again['metainfo']['provenance']) == 2


def test_idempotent_candidates():
    ann = make_ann([[c % 5] for c in range(100)], 5)
    once = candidates_uniform(ann, q=0.5)
    assert dumps_canonical(candidates_uniform(once, q=0.5)) == \
        dumps_canonical(once)


def test_byte_identical_determinism(tmp_path):
    ann = random_ann(num=500, num_classes=8)

    def chain(a, seed):
        a = longtail_subsample(a, profile='exp', n_max=150, rho=10, seed=seed)
        return keep_positives_bernoulli(a, p_keep=0.6, seed=seed)

    save_annotation(str(tmp_path / 'a.json'), chain(ann, 0))
    save_annotation(str(tmp_path / 'b.json'), chain(copy.deepcopy(ann), 0))
    save_annotation(str(tmp_path / 'c.json'), chain(ann, 1))
    a, b, c = (open(tmp_path / f'{n}.json', 'rb').read() for n in 'abc')
    assert a == b
    assert a != c
    assert json.loads(a) == chain(ann, 0)


def test_op_rng_streams():
    """Non-legacy ops draw from Generator(PCG64(SeedSequence([seed, id])))."""
    ann = random_ann(num=50, num_classes=6)
    out = keep_entries(ann, p=0.3, seed=7)
    rng = np.random.Generator(np.random.PCG64(
        np.random.SeedSequence([7, OP_IDS['keep_entries']])))
    expected = rng.random((50, 6)) < 0.3
    assert np.array_equal(matrices(out)[0] != -1, expected)


def test_clean_pos_rule():
    # fully observed, uncorrupted: clean_pos set from the positives
    out = drop_positives_hill(make_ann([[0, 1, 2], [3]], 5), k=5)
    assert [e['clean_pos'] for e in out['data_list']] == [[0, 1, 2], [3]]
    # partial input (unlisted=-1): never invented
    out = drop_positives_hill(make_ann([[0, 1, 2], [3]], 5, unlisted=-1),
                              k=5)
    assert all('clean_pos' not in e for e in out['data_list'])
    # already corrupted (provenance): never invented
    prov = [dict(op='x', params={}, seed=0, input_sha1='0',
                 tool_version='0')]
    out = drop_positives_hill(make_ann([[0, 1], [3]], 5, provenance=prov),
                              k=5)
    assert all('clean_pos' not in e for e in out['data_list'])
    # existing clean_pos is carried unchanged through a chain
    ann = make_ann([[0, 1], [3, 4]], 5, unlisted=-1, clean=True)
    ann['data_list'][0]['pos'] = [0]
    out = inject_noise(keep_entries(ann, p=0.5), r=0.5)
    assert [e['clean_pos'] for e in out['data_list']] == [[0, 1], [3, 4]]


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


# -------------------------------------------------------------------- longtail
def test_pareto_reference_matches_db():
    # scipy.stats.pareto pdf at linspace(ppf(0), ppf(0.99)), VOC-MLT params
    ref = pareto_reference(20, n_max=800, n_min=1, b=6)
    assert ref[:5].tolist() == [800, 529, 359, 248, 175]
    assert ref[-3:].tolist() == [6, 5, 4]
    assert exp_reference(10, 1200, 50).tolist() == [
        1200, 776, 503, 325, 210, 136, 88, 57, 37, 24]


def test_longtail_exp_single_label_exact_counts():
    ann = make_ann([[c] for c in range(10) for _ in range(60)], 10)
    out = longtail_subsample(ann, profile='exp', n_max=50, rho=10, seed=0)
    counts = np.array(out['metainfo']['class_freq'])
    assert counts.tolist() == exp_reference(10, 50, 10).tolist()
    names = [e['img_path'] for e in out['data_list']]
    assert names == sorted(names)  # file order kept
    info = out['metainfo']['provenance'][-1]['info']
    assert info['rule'] == 'per-class subset'


def test_longtail_greedy():
    # one positive per image: P(j|i) = identity, equal masses, id order, and
    # the greedy fill meets every reference count exactly
    ann = make_ann([[c] for c in range(8) for _ in range(400)], 8)
    out = longtail_subsample(ann, profile='pareto', n_max=300, n_min=5, b=6)
    info = out['metainfo']['provenance'][-1]['info']
    assert info['rule'] == 'greedy' and info['rank'] == list(range(8))
    assert out['metainfo']['class_freq'] == info['reference'] == \
        pareto_reference(8, 300, 5, 6).tolist()
    # multi-label: the last visited class meets its target, others drift
    ann = random_ann(num=3000, num_classes=8, num_pos=2, seed=1)
    out = longtail_subsample(ann, profile='pareto', n_max=300, n_min=5, b=6)
    info = out['metainfo']['provenance'][-1]['info']
    counts = np.array(out['metainfo']['class_freq'])
    assert counts[info['rank'][-1]] == info['reference'][-1]
    assert counts.max() > 3 * counts.min()


def test_class_split_thresholds():
    ann = make_ann([[0]] * 150 + [[1]] * 100 + [[2]] * 99 + [[3]] * 20
                   + [[4]] * 19, 6)
    assert class_split(ann) == dict(many=[0, 1], medium=[2, 3], few=[4, 5])
    assert class_split(ann, many_min=99, few_max=21) == dict(
        many=[0, 1, 2], medium=[], few=[3, 4, 5])


# --------------------------------------------------------------------- holdout
def test_split_holdout():
    ann = random_ann(num=1000, num_classes=6, num_pos=2)
    train, val = split_holdout(ann, frac=0.2, seed=0)
    names = [e['img_path'] for e in ann['data_list']]
    t = [e['img_path'] for e in train['data_list']]
    v = [e['img_path'] for e in val['data_list']]
    assert sorted(t + v) == sorted(names) and not set(t) & set(v)
    assert t == sorted(t) and v == sorted(v)
    assert abs(len(v) - 200) <= 6  # one rounding per stratum
    for part, name in ((train, 'train'), (val, 'val')):
        assert part['metainfo']['protocol'] == 'holdout'
        assert part['metainfo']['provenance'][-1]['info']['part'] == name
    with pytest.raises(ValueError, match='already'):
        split_holdout(train, frac=0.2, seed=0)


# ----------------------------------------------------------------------- audit
def test_audit_hand_checked():
    ann = make_ann([[0, 1], [2], [1, 3]], 4, clean=True, unlisted=-1)
    ann['data_list'][0]['pos'] = [0]  # 1 missing positive
    ann['data_list'][1]['neg'] = [0, 1, 3]
    ann['data_list'][2]['pos'] = [1, 3, 0]  # 1 false positive
    s = audit(ann)
    assert s['observed_pos_per_class'] == [2, 1, 1, 1]
    assert s['clean_pos_per_class'] == [1, 2, 1, 1]
    assert s['kept_fraction'] == pytest.approx(4 / 5)
    assert s['missing_rate'] == pytest.approx(1 / 5)
    assert s['flip_neg_to_pos'] == pytest.approx(1 / 7)
    assert s['unknown_fraction'] == pytest.approx(4 / 12)
    assert s['positives_per_image_hist'] == [0, 2, 0, 1]


# ------------------------------------------------------------------------- CLI
def test_cli_chain_matches_library(tmp_path, monkeypatch, capsys):
    ann = random_ann(num=400, num_classes=6, num_pos=2)
    src, dst = str(tmp_path / 'in.json'), str(tmp_path / 'out.json')
    save_annotation(src, ann)
    monkeypatch.setattr(sys, 'argv', [
        'corrupt_labels.py', src, dst, '--seed', '3',
        '--op', 'longtail_subsample:profile=exp,n_max=120,rho=10',
        '--op', 'drop_positives_hill:k=2',
        '--op', 'split_holdout:frac=0.25'])
    runpy.run_path(osp.join(ROOT, 'tools', 'dataset_converters',
                            'corrupt_labels.py'), run_name='__main__')
    expected = drop_positives_hill(longtail_subsample(
        ann, profile='exp', n_max=120, rho=10, seed=3), k=2, seed=3)
    train, val = split_holdout(expected, frac=0.25, seed=3)
    assert open(dst).read() == dumps_canonical(train)
    assert open(str(tmp_path / 'out_holdout_val.json')).read() == \
        dumps_canonical(val)
    with open(str(tmp_path / 'out.class_split.json')) as f:
        assert json.load(f) == class_split(train)
    assert 'drop_positives_hill' in capsys.readouterr().out
