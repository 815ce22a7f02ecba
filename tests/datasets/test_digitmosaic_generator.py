"""DigitMosaic generator: exact counts, disjoint source
pools, layout rules, determinism, rerun semantics, the dataset class; the
default geometry's files are byte-identical to the builds before the geometry
knobs existed."""
import hashlib
import json
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from mlc.datasets.digitmosaic import VARIANTS, DigitMosaic, build_digitmosaic
from mlc.datasets.digitmosaic.generator import (
    draw_variant,
    load_source,
    render_mosaic,
    render_single,
)
from mlc.datasets.digitmosaic.geometry import DEFAULT

LT_COUNTS = [1200, 776, 503, 325, 210, 136, 88, 57, 37, 24]
PLL_COUNTS = [1000, 599, 359, 215, 129, 77, 46, 27, 16, 10]


def read(folder, name):
    with open(osp.join(folder, name)) as f:
        return json.load(f)


def digest_json_entries(path):
    """SHA-1 of the sorted-key JSON of a file's ``data_list``."""
    return hashlib.sha1(json.dumps(read(*osp.split(path))['data_list'],
                                   sort_keys=True).encode()).hexdigest()


def tree_digest(folder):
    """SHA-1 of every file (relative path + bytes) under ``folder``."""
    digest = hashlib.sha1()
    for dirpath, _, files in sorted(os.walk(folder)):
        for name in sorted(files):
            path = osp.join(dirpath, name)
            digest.update(osp.relpath(path, folder).encode())
            with open(path, 'rb') as f:
                digest.update(f.read())
    return digest.hexdigest()


def class_counts(ann, key):
    counts = np.zeros(10, dtype=np.int64)
    for entry in ann['data_list']:
        value = entry[key]
        counts[value if isinstance(value, list) else [value]] += 1
    return counts.tolist()


@pytest.fixture(scope='module')
def plt_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('dm'))
    build_digitmosaic(root, 'plt', seed=0)
    return root


@pytest.fixture(scope='module')
def source():
    return load_source()


def test_lt_counts_and_sets(plt_root):
    folder = osp.join(plt_root, 'plt')
    train = read(folder, 'train.json')
    assert class_counts(train, 'clean_pos') == LT_COUNTS
    sizes = [len(e['clean_pos']) for e in train['data_list']]
    assert min(sizes) >= 1 and max(sizes) <= 4
    # the PLT op: kept positives are true, unlisted -1, provenance recorded
    assert train['metainfo']['unlisted'] == -1
    assert [p['op'] for p in train['metainfo']['provenance']] == [
        'make_digitmosaic', 'keep_positives_bernoulli']
    for e in train['data_list']:
        assert set(e['pos']) <= set(e['clean_pos'])
    kept = sum(len(e['pos']) for e in train['data_list']) / sum(sizes)
    assert abs(kept - 0.6) < 0.03
    for split, per_class in (('val', 150), ('test', 300)):
        ann = read(folder, f'{split}.json')
        assert class_counts(ann, 'pos') == [per_class] * 10
        assert ann['metainfo']['unlisted'] == 0
        assert all(e['pos'] == e['clean_pos'] for e in ann['data_list'])
    assert read(folder, 'class_split.json') == dict(
        many=[0, 1, 2], medium=[3, 4, 5, 6], few=[7, 8, 9])


def test_pools_disjoint_and_layout(plt_root, source):
    images, target, _ = source
    pools, draws = draw_variant(VARIANTS['plt'], 0, target)
    flat = {s: np.concatenate(p) for s, p in pools.items()}
    assert {s: v.size for s, v in flat.items()} == dict(
        train=1074, val=355, test=368)
    assert not set(flat['train']) & set(flat['val'])
    assert not set(flat['train']) & set(flat['test'])
    assert not set(flat['val']) & set(flat['test'])
    meta = read(osp.join(plt_root, 'plt'), 'meta.json')
    assert meta['source']['pools'] == {s: sorted(v.tolist())
                                       for s, v in flat.items()}
    for split, draw in draws.items():
        ann = read(osp.join(plt_root, 'plt'), f'{split}.json')
        assert [e['clean_pos'] for e in ann['data_list']] == [
            s.tolist() for s in draw.label_sets]
        filled = draw.cells >= 0
        # every source digit comes from the split's pool, of the cell's class
        assert set(draw.sources[filled]) <= set(flat[split])
        assert np.array_equal(target[draw.sources[filled]],
                              draw.cells[filled])
        for labels, cells in zip(draw.label_sets, draw.cells):
            assert set(cells[cells >= 0]) == set(labels.tolist())
    # a written image is the rendering of its draw
    img = np.asarray(Image.open(osp.join(plt_root, 'plt', 'images', 'val',
                                         '00003.png')))
    assert img.dtype == np.uint8 and img.shape == (32, 32)
    assert np.array_equal(img, render_mosaic(
        images, draws['val'].sources[3], draws['val'].placement[3], DEFAULT))


def test_determinism_and_rerun(plt_root, tmp_path):
    folder = osp.join(plt_root, 'plt')
    digest = tree_digest(folder)
    other = build_digitmosaic(str(tmp_path), 'plt', seed=0)
    assert tree_digest(other) == digest
    # rerun with the same parameters: no-op
    mtime = os.stat(osp.join(folder, 'meta.json')).st_mtime_ns
    assert build_digitmosaic(plt_root, 'plt', seed=0) == folder
    assert os.stat(osp.join(folder, 'meta.json')).st_mtime_ns == mtime
    # other parameters: error unless force
    with pytest.raises(FileExistsError):
        build_digitmosaic(str(tmp_path), 'plt', seed=1)
    build_digitmosaic(str(tmp_path), 'plt', seed=1, img_size=16, force=True)
    assert read(other, 'meta.json')['params']['seed'] == 1
    assert tree_digest(other) != digest
    assert Image.open(osp.join(other, 'images', 'train',
                               '00000.png')).size == (16, 16)
    assert sorted(os.listdir(str(tmp_path))) == ['plt']  # no temp folders


def test_default_build_unchanged(plt_root):
    """Images, meta.json, class_split.json and the annotation entries of
    DigitMosaic-PLT (seed 0, 32 px) as built before the geometry knobs."""
    folder = osp.join(plt_root, 'plt')
    assert tree_digest(osp.join(folder, 'images')) == \
        '3653e0f0cdedf1e842168709a21c2905e2d75700'
    for name, sha1 in (('meta.json',
                        '4f49fb279cc0d92f856a91e0a902b8d3ba586c71'),
                       ('class_split.json',
                        '068de2d5618a848bf10248fa947806ef3d3020ae')):
        with open(osp.join(folder, name), 'rb') as f:
            assert hashlib.sha1(f.read()).hexdigest() == sha1, name
    assert {s: digest_json_entries(osp.join(folder, f'{s}.json'))
            for s in ('train', 'val', 'test')} == dict(
        train='d0d80dd60836e51e7c4e3cc30366733fa7a7c4de',
        val='b9f5d60983587845de2e2eeb04876755063fccbc',
        test='013fbd448cd729afd588702d77a88c8d472dad9e')


def test_val_test_shared_by_variants(source):
    _, target, _ = source
    _, lt = draw_variant(VARIANTS['lt'], 0, target)
    _, full = draw_variant(VARIANTS['full'], 0, target)
    assert sum(len(s) for s in lt['train'].label_sets) != sum(
        len(s) for s in full['train'].label_sets)
    for split in ('val', 'test'):
        assert np.array_equal(lt[split].sources, full[split].sources)


def test_pll_variant(tmp_path, source):
    images, target, _ = source
    folder = build_digitmosaic(str(tmp_path), 'pll', seed=0)
    # images as built before the geometry knobs
    assert tree_digest(osp.join(folder, 'images')) == \
        'a3a742c637b8e763a83c254f113d141639147a8a'
    train = read(folder, 'train.json')
    assert train['metainfo']['task'] == 'pll'
    assert class_counts(train, 'gt_label') == PLL_COUNTS
    assert all(e['gt_label'] in e['candidates'] for e in train['data_list'])
    sizes = [len(e['candidates']) for e in train['data_list']]
    assert abs(np.mean(sizes) - 3.7) < 0.1
    for split, per_class in (('val', 50), ('test', 100)):
        ann = read(folder, f'{split}.json')
        assert class_counts(ann, 'gt_label') == [per_class] * 10
        assert all(e['candidates'] == [e['gt_label']]
                   for e in ann['data_list'])
    _, draws = draw_variant(VARIANTS['pll'], 0, target)
    draw = draws['train']
    assert (draw.offsets >= 0).all() and (draw.offsets <= 8).all()
    img = np.asarray(Image.open(osp.join(folder, 'images', 'train',
                                         '00000.png')))
    assert np.array_equal(img, render_single(images, draw.sources[0, 0],
                                             draw.offsets[0], 32))


def test_dataset_class(plt_root):
    ds = DigitMosaic(data_root=plt_root, variant='plt', split='val')
    assert len(ds) == len(read(osp.join(plt_root, 'plt'),
                               'val.json')['data_list'])
    assert ds.metainfo['class_split']['few'] == [7, 8, 9]
    info = ds.get_data_info(0)
    assert osp.isfile(info['img_path'])
    assert info['gt_score'].tolist() == info['gt_clean'].tolist()
    with pytest.raises(FileExistsError):
        DigitMosaic(data_root=plt_root, variant='plt', split='val', seed=5)
