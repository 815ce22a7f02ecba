"""DigitMosaic ``pretrain`` (source digits disjoint from the evaluated
val/test) and the PLL settings (long-tailed / balanced x q 0.3 / 0.5)."""
import json
import os
import os.path as osp

import numpy as np
import pytest

from mlc.datasets.digitmosaic import VARIANTS, DigitMosaic, build_digitmosaic
from mlc.datasets.digitmosaic.generator import (
    draw_variant,
    load_source,
    variant_params,
)
from mlc.datasets.digitmosaic_pll import DigitMosaicPLL

#: int(1000 * 100^(-k/9)), k = 0..9 (2,478 images)
LT_COUNTS = [1000, 599, 359, 215, 129, 77, 46, 27, 16, 10]


@pytest.fixture(scope='module')
def target():
    return load_source()[1]


def flat(pools):
    return {s: set(np.concatenate(p).tolist()) for s, p in pools.items()}


def test_pretrain_never_uses_evaluated_source_digits(target):
    for seed in (0, 3):
        evaluated, eval_draws = draw_variant(VARIANTS['full'], seed, target)
        own, draws = draw_variant(VARIANTS['pretrain'], seed, target)
        evaluated, own = flat(evaluated), flat(own)
        used = set().union(*own.values())
        # every pre-training digit is one of the seed's train-pool digits,
        # none of its val/test digits
        assert used <= evaluated['train']
        assert not used & (evaluated['val'] | evaluated['test'])
        # its own pools split the train pool 60/20/20 per class, disjointly
        assert sum(map(len, own.values())) == len(evaluated['train'])
        assert not own['train'] & own['val']
        assert not (own['train'] | own['val']) & own['test']
        for split, draw in draws.items():
            filled = draw.sources[draw.sources >= 0]
            assert set(filled.tolist()) <= own[split]
            assert np.array_equal(target[filled],
                                  draw.cells[draw.cells >= 0])
        # its mosaics are not the evaluated ones (own label/layout streams)
        assert [s.tolist() for s in draws['val'].label_sets] != [
            s.tolist() for s in eval_draws['val'].label_sets]
    # clean and balanced like ``full``; only the pretrain build records
    # its source (the other builds keep their parameters)
    assert variant_params('pretrain', 0)['spec']['source'] == 'train'
    assert 'source' not in variant_params('full', 0)['spec']


@pytest.mark.parametrize('variant,counts,q', [
    ('pll-q05', LT_COUNTS, 0.5), ('pll-bal', [248] * 10, 0.3),
    ('pll-bal-q05', [248] * 10, 0.5)])
def test_pll_settings(variant, counts, q, target):
    spec = VARIANTS[variant]
    assert spec.kind == 'single'
    assert spec.ops == [['candidates_uniform', dict(q=q)]]
    _, draws = draw_variant(spec, 0, target)
    _, pll = draw_variant(VARIANTS['pll'], 0, target)
    assert np.bincount(draws['train'].cells[:, 0],
                       minlength=10).tolist() == counts
    # the same val/test images as ``pll``
    for split in ('val', 'test'):
        assert np.array_equal(draws[split].sources, pll[split].sources)
        assert np.array_equal(draws[split].offsets, pll[split].offsets)


def test_pll_balanced_q05_build_and_dataset(tmp_path):
    root = str(tmp_path)
    train = DigitMosaicPLL(data_root=root, variant='pll-bal-q05')
    folder = osp.join(root, 'pll-bal-q05')
    with open(osp.join(folder, 'meta.json')) as f:
        splits = json.load(f)['splits']
    assert splits['train']['num_images'] == 2480 == len(train)
    assert splits['train']['clean_class_counts'] == [248] * 10
    # E|S| = 1 + q (C - 1) = 5.5
    assert abs(splits['train']['mean_candidate_size'] - 5.5) < 0.1
    assert train.candidates.sum(1).mean() == pytest.approx(
        splits['train']['mean_candidate_size'])
    test = DigitMosaicPLL(data_root=root, variant='pll-bal-q05',
                          split='test')
    assert len(test) == 1000
    with pytest.raises(ValueError, match='variant must be one of'):
        DigitMosaicPLL(data_root=root, variant='full')
    with pytest.raises(ValueError, match='single-label'):
        DigitMosaic(data_root=root, variant='pll-bal')


def test_pll_default_variant_unchanged(tmp_path):
    """``DigitMosaicPLL`` without ``variant`` reads the ``pll`` build."""
    ds = DigitMosaicPLL(data_root=str(tmp_path), split='val')
    assert ds.variant == 'pll' and len(ds) == 500
    assert build_digitmosaic(str(tmp_path), 'pll') == osp.join(
        str(tmp_path), 'pll')


def test_make_digitmosaic_gives_pll_settings_no_geometry(tmp_path,
                                                         monkeypatch):
    """``--geometry hard`` shapes the mosaics only: every single-digit
    variant is built without it (else the build refuses the geometry)."""
    import importlib.util

    from conftest import ROOT
    spec = importlib.util.spec_from_file_location(
        'make_digitmosaic', osp.join(ROOT, 'tools', 'dataset_converters',
                                     'make_digitmosaic.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    geometries = {}

    def fake_build(root, variant, seed=0, force=False, geometry=None,
                   img_size=None):
        geometries[variant] = geometry
        folder = osp.join(root, variant)
        os.makedirs(folder)
        with open(osp.join(folder, 'meta.json'), 'w') as f:
            json.dump(dict(splits={}), f)
        return folder

    monkeypatch.setattr(tool, 'build_digitmosaic', fake_build)
    tool.main(['--root', str(tmp_path), '--geometry', 'hard', '--variant',
               'pll-bal', 'pll-q05', 'pretrain'])
    assert geometries['pll-bal'] is None and geometries['pll-q05'] is None
    assert geometries['pretrain']['grid'] == (3, 3)


def _true_share(variant, target):
    """(many, few) share of the train positives that are clean ones, and
    per image (clean label set, number of noisy positives), of ``variant``
    at data seed 0."""
    from mlc.datasets.corruptions import OPS
    from mlc.datasets.digitmosaic.generator import CLASS_SPLIT, _annotation
    spec = VARIANTS[variant]
    _, draws = draw_variant(spec, 0, target)
    ann = _annotation(spec, 'train', draws['train'], {})
    for name, params in spec.ops:
        ann = OPS[name](ann, seed=0, **params)
    shares = []
    for group in ('many', 'few'):
        classes = set(CLASS_SPLIT[group])
        pairs = [(k, set(s['clean_pos'])) for s in ann['data_list']
                 for k in s['pos'] if k in classes]
        shares.append(sum(k in clean for k, clean in pairs) / len(pairs))
    return shares, [(s['clean_pos'], len(s['pos']))
                    for s in ann['data_list']]


def test_lt_noise_prior_draws_spurious_labels_by_frequency(target):
    """``lt-noise-prior`` corrupts the same images as ``lt-noise`` (same
    clean labels, as many positives per image) at the same flip rate 0.5;
    uniform spurious positives leave the few classes mostly spurious, drawn
    by frequency far fewer land in them. Seed 0: true share of the few
    classes' positives 0.084 vs 0.309, of the many classes' 0.797 vs
    0.597."""
    (u_many, u_few), u_clean = _true_share('lt-noise', target)
    (p_many, p_few), p_clean = _true_share('lt-noise-prior', target)
    assert u_clean == p_clean
    assert u_few < 0.1 < 0.3 < p_few and u_many > 0.75 > p_many > 0.55
