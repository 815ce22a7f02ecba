"""Corruption toolkit: the rules every op follows (provenance, no input
change, idempotence, determinism, RNG streams, clean_pos), the holdout
split, the audit and the command line."""
import copy
import json
import os.path as osp
import runpy
import sys

import numpy as np
import pytest
from corruption_fixtures import make_ann, matrices, random_ann

from mlc.datasets.corruptions import (
    OP_IDS,
    OPS,
    annotation_sha1,
    audit,
    candidates_uniform,
    class_split,
    drop_positives_hill,
    dumps_canonical,
    inject_noise,
    keep_entries,
    keep_positives_bernoulli,
    longtail_subsample,
    save_annotation,
    split_holdout,
)
from mlc.version import __version__

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


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
    # class 0: image 0 (true), image 2 (false); class 1: image 2 (true)
    assert s['true_pos_per_class'] == [1, 1, 1, 1]
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
    # as `python tools/dataset_converters/corrupt_labels.py` does
    monkeypatch.syspath_prepend(osp.join(ROOT, 'tools', 'dataset_converters'))
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
