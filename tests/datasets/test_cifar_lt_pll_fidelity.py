"""The published CIFAR-LT(-NU) samples are the authors' draw: the NU configs
build the authors' class layout and the converter defaults to that draw.

The head/tail class permutation depends only on ``class_perm_seed`` and the
per-class counts (n_max = 500 on CIFAR-100), so a label vector is enough: no
images. The authors' run seeds Python ``random`` with the run seed (123 in
their commands) before building the data and shuffles the count list with it;
class 79 gets the 500-image head.
"""
import json
import os
import os.path as osp
import pickle
import runpy
import sys

import numpy as np
import pytest
from mmengine.config import Config

from mlc.datasets.cifar_lt_pll import (
    build_annotations,
    build_params,
    lt_counts,
)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
NU_CONFIG = osp.join(ROOT, 'configs', 'pll',
                     'records-corr_r18_cifar100-lt-nu-r100-q0.05.py')
BUILD_KEYS = ('cifar', 'imb_ratio', 'partial_rate', 'hierarchical', 'ratio',
              'data_seed', 'class_perm_seed', 'legacy_rng')


def fake_cifar100_labels():
    """(50000,) labels, 500 per class, in a shuffled order as in the
    archive."""
    labels = np.repeat(np.arange(100), 500)
    np.random.default_rng(1).shuffle(labels)
    return labels


def train_counts(params):
    train, _, split = build_annotations(
        fake_cifar100_labels(), np.arange(100), [f'c{i}' for i in range(100)],
        params)
    counts = np.bincount([e['gt_label'] for e in train['data_list']],
                         minlength=100)
    return counts, split


def test_published_nu_config_puts_class_79_at_the_head():
    ds = Config.fromfile(NU_CONFIG).train_dataloader.dataset
    params = build_params(**{k: ds[k] for k in BUILD_KEYS if k in ds})
    counts, split = train_counts(params)
    assert counts.sum() == 10847
    assert int(np.argmax(counts)) == 79 and counts[79] == 500
    assert 79 in split['many']


@pytest.mark.parametrize('legacy,head', [(True, 79), (False, 32)])
def test_nu_head_class_per_rng_mode(legacy, head):
    # PCG64 stays available for new benchmarks: another (valid) layout
    params = build_params('cifar100', imb_ratio=100, partial_rate=0.05,
                          hierarchical=True, data_seed=0,
                          class_perm_seed=123, legacy_rng=legacy)
    counts, _ = train_counts(params)
    assert int(np.argmax(counts)) == head
    # a permutation of the LDAM/RECORDS count list
    assert sorted(counts.tolist(), reverse=True) == lt_counts(500, 100, 100)


def write_fake_cifar100(root, per_class=2):
    """A tiny ``cifar-100-python`` archive (train, test; no meta)."""
    folder = osp.join(root, 'cifar-100-python')
    os.makedirs(folder)
    for name in ('train', 'test'):
        labels = np.tile(np.arange(100), per_class)
        batch = {'data': np.zeros((labels.size, 3072), np.uint8),
                 'fine_labels': labels.tolist()}
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump(batch, f, protocol=2)


def run_converter(*args):
    path = osp.join(ROOT, 'tools', 'dataset_converters',
                    'make_cifar_lt_pll.py')
    argv = sys.argv
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name='__main__')
    finally:
        sys.argv = argv


@pytest.mark.parametrize('flag,legacy', [([], True),
                                         (['--no-legacy-rng'], False)])
def test_converter_defaults_to_the_authors_draw(tmp_path, flag, legacy):
    write_fake_cifar100(str(tmp_path))
    run_converter(str(tmp_path), '--cifar', 'cifar100', '--imb-ratio', '2',
                  '--partial-rate', '0.05', *flag)
    name = 'cifar100-lt-r2-q0.05-s0' + ('-legacy' if legacy else '')
    with open(tmp_path / 'pll' / name / 'meta.json') as f:
        assert json.load(f)['params']['legacy_rng'] is legacy
