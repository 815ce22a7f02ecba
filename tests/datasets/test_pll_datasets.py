"""PLL datasets: PLLDataset, CIFAR-LT PLL builder (fake CIFAR pickles),
PLL-VOC converter, DigitMosaic-PLL, multi-view preprocessing."""
import json
import os
import os.path as osp
import pickle
import random

import numpy as np
import pytest
import torch
from _helpers import load_script
from conftest import ROOT

from mlc.datasets import CIFARLTPLL, PLLDataset
from mlc.datasets.annotation import AnnotationError
from mlc.datasets.cifar_lt_pll import (
    build_annotations,
    build_params,
    lt_counts,
    make_cifar_lt_pll,
    rank_class_split,
)
from mlc.datasets.corruptions.candidates import cifar100_groups
from mlc.datasets.pll_voc import read_pll_voc_csv

# the RECORDS code's candidate generation, as the speed benchmark runs it
official = load_script('benchmarks/pll_candidates.py').official


def write_pll(path, entries, classes=4):
    ann = dict(metainfo=dict(classes=[f'c{i}' for i in range(classes)],
                             task='pll', unlisted=0), data_list=entries)
    path.write_text(json.dumps(ann))
    return str(path)


def test_pll_dataset_reads_candidates_and_counts_violations(tmp_path):
    entries = [dict(img_index=i, candidates=[i % 4, (i + 1) % 4],
                    gt_label=i % 4) for i in range(6)]
    entries[5]['gt_label'] = 3  # candidates {1, 2}: outside
    ds = PLLDataset(write_pll(tmp_path / 'a.json', entries),
                    class_split=dict(many=[0], medium=[1, 2], few=[3]),
                    lazy_init=False)
    assert len(ds) == 6 and ds.metainfo['num_label_outside_candidates'] == 1
    info = ds.get_data_info(0)
    np.testing.assert_array_equal(info['candidates'], [1, 1, 0, 0])
    assert info['gt_label'] == 0 and info['sample_idx'] == 0
    assert ds.metainfo['class_freq'] == [3, 4, 3, 2]
    assert ds.metainfo['class_freq_true'] == [2, 1, 1, 2]
    assert ds.get_cat_ids(0) == [0, 1]
    sub = PLLDataset(str(tmp_path / 'a.json'), indices=[4, 5])
    np.testing.assert_array_equal(sub.candidates[1], [0, 1, 1, 0])


@pytest.mark.parametrize('entry,match', [
    (dict(img_index=0, candidates=[], gt_label=0), 'non-empty "candidates"'),
    (dict(img_index=0, candidates=[7], gt_label=0), 'not a class id'),
    (dict(img_index=0, candidates=[1], gt_label=9), '"gt_label"'),
    (dict(img_index=0, candidates=[1]), 'no "gt_label"'),
])
def test_pll_dataset_bad_entries(tmp_path, entry, match):
    with pytest.raises(AnnotationError, match=match):
        PLLDataset(write_pll(tmp_path / 'b.json', [entry]), lazy_init=False)


def test_pll_dataset_refuses_multilabel_file(tmp_path):
    path = tmp_path / 'm.json'
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=['a'], task='multilabel'),
        data_list=[dict(img_index=0, pos=[0])])))
    with pytest.raises(AnnotationError, match='task is "multilabel"'):
        PLLDataset(str(path), lazy_init=False)


# ------------------------------------------------------------ fake CIFAR
def fake_cifar(root, cifar='cifar10', per_class=20, test_per_class=3,
               seed=0):
    """Write a tiny CIFAR python archive (str keys as read with latin1)."""
    rng = np.random.default_rng(seed)
    num = 10 if cifar == 'cifar10' else 100
    folder = osp.join(root, 'cifar-10-batches-py' if cifar == 'cifar10'
                      else 'cifar-100-python')
    os.makedirs(folder)
    key = 'labels' if cifar == 'cifar10' else 'fine_labels'

    def batch(n_per):
        labels = np.tile(np.arange(num), n_per)
        rng.shuffle(labels)
        data = rng.integers(0, 256, (labels.size, 3072), dtype=np.uint8)
        return {'data': data, key: labels.tolist()}

    if cifar == 'cifar10':
        train = batch(per_class)
        for i in range(5):  # five batches, split in file order
            part = {k: v[i::5] for k, v in train.items()}
            with open(osp.join(folder, f'data_batch_{i + 1}'), 'wb') as f:
                pickle.dump(part, f, protocol=2)
        names = ['test_batch']
        labels = np.concatenate([train[key][i::5] for i in range(5)])
    else:
        train = batch(per_class)
        with open(osp.join(folder, 'train'), 'wb') as f:
            pickle.dump(train, f, protocol=2)
        names = ['test']
        labels = np.asarray(train[key])
    with open(osp.join(folder, names[0]), 'wb') as f:
        pickle.dump(batch(test_per_class), f, protocol=2)
    return str(root), labels


def test_lt_counts_and_rank_split_match_the_spec():
    counts = lt_counts(5000, 10, 100)
    assert counts == [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]
    assert sum(lt_counts(5000, 10, 50)) == 13996
    assert sum(lt_counts(500, 100, 100)) == 10847
    assert sum(lt_counts(500, 100, 50)) == 12608
    split = rank_class_split(counts, 3, 3)
    assert split == dict(many=[0, 1, 2], medium=[3, 4, 5, 6], few=[7, 8, 9])


def test_cifar10_legacy_rng_is_bit_for_bit(tmp_path):
    root, labels = fake_cifar(tmp_path)
    params = build_params('cifar10', imb_ratio=10, partial_rate=0.3,
                          legacy_rng=True)
    counts = lt_counts(20, 10, 10)
    train, test, split = build_annotations(labels, np.zeros(30, np.int64) +
                                           np.arange(30) % 10,
                                           [str(i) for i in range(10)],
                                           params)
    keep, cand = official(labels, counts, 0.3, 10)
    assert [e['img_index'] for e in train['data_list']] == keep.tolist()
    ours = np.zeros_like(cand)
    for i, e in enumerate(train['data_list']):
        ours[i, e['candidates']] = 1
        assert e['gt_label'] == labels[keep[i]]
    np.testing.assert_array_equal(ours, cand)
    assert split['many'] == [0, 1, 2]


def test_cifar100_hierarchical_legacy_and_class_permutation(tmp_path):
    root, labels = fake_cifar(tmp_path, 'cifar100', per_class=6)
    params = build_params('cifar100', imb_ratio=5, partial_rate=0.05,
                          hierarchical=True, legacy_rng=True,
                          class_perm_seed=123)
    train, _, split = build_annotations(labels, np.arange(100), [
        str(i) for i in range(100)], params)
    counts = lt_counts(6, 100, 5)
    random.Random(123).shuffle(counts)
    keep, cand = official(labels, counts, 0.05, 100,
                          groups=cifar100_groups())
    assert [e['img_index'] for e in train['data_list']] == keep.tolist()
    ours = np.zeros_like(cand)
    for i, e in enumerate(train['data_list']):
        ours[i, e['candidates']] = 1
    np.testing.assert_array_equal(ours, cand)
    got = np.bincount([e['gt_label'] for e in train['data_list']],
                      minlength=100)
    assert got.tolist() == counts
    assert sorted(split['many'] + split['medium'] + split['few']) == \
        list(range(100))


def test_cifar_lt_pll_dataset_default_rng(tmp_path):
    root, labels = fake_cifar(tmp_path)
    ds = CIFARLTPLL(root, 'cifar10', 'train', imb_ratio=10, partial_rate=0.,
                    lazy_init=False)
    assert len(ds) == sum(lt_counts(20, 10, 10))
    # q = 0: singletons holding the true label
    np.testing.assert_array_equal(ds.candidates.sum(1), 1)
    assert (ds.candidates[np.arange(len(ds)), ds.gt_labels] == 1).all()
    info = ds.get_data_info(3)
    assert info['img'].shape == (32, 32, 3) and info['img'].dtype == np.uint8
    # the image is the CIFAR array row img_index, CHW -> HWC
    folder = osp.join(root, 'cifar-10-batches-py')
    flat = np.concatenate([pickle.load(open(osp.join(
        folder, f'data_batch_{i}'), 'rb'))['data'] for i in range(1, 6)])
    np.testing.assert_array_equal(
        info['img'], flat[info['img_index']].reshape(3, 32, 32)
        .transpose(1, 2, 0))
    assert ds.metainfo['class_split']['few'] == [7, 8, 9]
    test = CIFARLTPLL(root, 'cifar10', 'test', imb_ratio=10, partial_rate=0.,
                      lazy_init=False)
    assert len(test) == 30
    # rebuilding with other parameters into the same folder is refused
    with pytest.raises(FileExistsError):
        make_cifar_lt_pll(root, osp.join(root, 'pll', 'cifar10-lt-r10-q0-s0'),
                          imb_ratio=10, partial_rate=0.5)


def test_candidate_generator_coverage_and_size(tmp_path):
    root, labels = fake_cifar(tmp_path, per_class=300)
    ds = CIFARLTPLL(root, 'cifar10', 'train', imb_ratio=1, partial_rate=0.3,
                    data_seed=3, lazy_init=False)
    assert (ds.candidates[np.arange(len(ds)), ds.gt_labels] == 1).all()
    assert abs(ds.candidates.sum(1).mean() - (1 + 0.3 * 9)) < 0.1


def test_cifar_reader_refuses_code_in_pickles(tmp_path):
    folder = tmp_path / 'cifar-10-batches-py'
    folder.mkdir()

    class Evil:
        def __reduce__(self):
            return (os.system, ('echo pwned',))

    (folder / 'data_batch_1').write_bytes(pickle.dumps({'data': Evil()}))
    with pytest.raises(Exception, match='os|posix|system'):
        make_cifar_lt_pll(str(tmp_path), str(tmp_path / 'out'))


def test_pll_voc_converter(tmp_path):
    train = tmp_path / 'images_PLL.csv'
    train.write_text('name,label,label set\n'
                     'a.jpg,dog,dog person\n'
                     'b.jpg,cat,cat\n'
                     'c.jpg,person,dog chair\n')
    ann, stats = read_pll_voc_csv(str(train), 'train')
    assert stats == dict(num_images=3, num_label_outside_candidates=1)
    assert ann['data_list'][0] == dict(img_path='a.jpg', candidates=[11, 14],
                                       gt_label=11)
    test = tmp_path / 'images_uniform.csv'
    test.write_text('name,label\nx.jpg,tvmonitor\n')
    ann, _ = read_pll_voc_csv(str(test), 'test')
    assert ann['data_list'][0]['candidates'] == [19]
    bad = tmp_path / 'bad.csv'
    bad.write_text('name,label,label set\na.jpg,doge,dog\n')
    with pytest.raises(ValueError, match='row 2'):
        read_pll_voc_csv(str(bad), 'train')
    import subprocess
    import sys
    out = tmp_path / 'out'
    done = subprocess.run(
        [sys.executable, 'tools/dataset_converters/convert_pll_voc.py',
         '--train-csv', str(train), '--test-csv', str(test), '--out-dir',
         str(out), '--split-sizes', '1', '1'], cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=ROOT), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    ds = PLLDataset(str(out / 'train.json'),
                    class_split=str(out / 'class_split.json'),
                    lazy_init=False)
    assert ds.metainfo['num_label_outside_candidates'] == 1


def test_multiview_preprocessor_and_digitmosaic_pll(tmp_path):
    from mmengine.dataset import pseudo_collate

    from mlc.registry import DATASETS, MODELS
    from mlc.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    pipeline = [
        dict(type='LoadImageFromFile'),
        dict(type='MultiView', num_views=[1, 1],
             transforms=[[], [dict(type='RandomAugmentPLL', num_ops=3),
                              dict(type='Cutout', factor=(0., 0.5),
                                   fill=0)]]),
        dict(type='PackInputs', algorithm_keys=('candidates', ))]
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mlc'):
        ds = DATASETS.build(dict(type='DigitMosaicPLL',
                                 data_root=str(tmp_path / 'dm'),
                                 split='train', pipeline=pipeline,
                                 indices=8))
        batch = pseudo_collate([ds[i] for i in range(4)])
    assert ds.metainfo['class_split']['few'] == [7, 8, 9]
    pre = MODELS.build(dict(type='MultiViewClsDataPreprocessor',
                            mean=[0., 0., 0.], std=[255., 255., 255.]))
    out = pre(batch, True)
    assert len(out['inputs']) == 2
    assert out['inputs'][0].shape == (4, 3, 32, 32)
    raw = batch['inputs'][0][1].float() / 255
    torch.testing.assert_close(out['inputs'][0][1], raw)
    assert [s.sample_idx for s in out['data_samples']] == [0, 1, 2, 3]
    assert out['data_samples'][0].candidates.shape == (10, )
    test = DATASETS.build(dict(type='DigitMosaicPLL',
                               data_root=str(tmp_path / 'dm'), split='test'))
    assert len(test) == 1000 and test.candidates.sum(1).max() == 1
