"""Converters and builders of tools/dataset_converters/ on tiny fixtures in
the real formats, and tools/analysis_tools/dataset_stats.py."""
import json
import os.path as osp
import runpy
import sys

import numpy as np
import pytest
from conftest import ROOT
from real_format_fixtures import (
    random_coco_pool,
    write_coco,
    write_db_folder,
    write_voc,
)

from mlc.datasets import MLCDataset
from mlc.datasets.annotation import dense_labels, load_annotation


def run(tool, *args, capsys=None):
    """Run a tool's ``main`` in-process; return its stdout."""
    path = osp.join(ROOT, 'tools', tool)
    argv, sys_path = sys.argv, list(sys.path)
    sys.argv = [path, *map(str, args)]
    sys.path.insert(0, osp.dirname(path))  # as `python tools/x/y.py` does
    try:
        runpy.run_path(path, run_name='__main__')
    finally:
        sys.argv, sys.path[:] = argv, sys_path
    return capsys.readouterr().out if capsys else ''


def stats_json(capsys, *args):
    out = run('analysis_tools/dataset_stats.py', *args, '--json',
              capsys=capsys)
    return json.loads(out.strip().splitlines()[-1])


def test_make_coco_multilabel(tmp_path, capsys):
    src = write_coco(tmp_path / 'i.json', {5: [7, 1], 6: [3]},
                     extra_images=[9])
    out = tmp_path / 'coco.json'
    text = run('dataset_converters/make_coco_multilabel.py', src, out,
               '--year', '2017', capsys=capsys)
    assert '1 skipped without annotations' in text
    ann = load_annotation(str(out))
    assert ann['metainfo']['classes'] == ['one', 'three', 'seven']
    assert ann['metainfo']['unlisted'] == 0
    assert [e['pos'] for e in ann['data_list']] == [[0, 2], [1]]
    assert [e['clean_pos'] for e in ann['data_list']] == [[0, 2], [1]]
    prov = ann['metainfo']['provenance'][0]
    assert prov['op'] == 'make_coco_multilabel' and prov['params'][
        'year'] == '2017' and len(prov['input_sha1']) == 40
    run('dataset_converters/make_coco_multilabel.py', src, out, '--year',
        '2017', '--keep-unannotated', capsys=capsys)
    assert len(load_annotation(str(out))['data_list']) == 3
    with pytest.raises(SystemExit, match='2 of 2 listed image'):
        run('dataset_converters/make_coco_multilabel.py', src, out, '--year',
            '2017', '--check-images', '--img-root', tmp_path)
    with pytest.raises(FileNotFoundError, match='2 of 2 listed image'):
        run('dataset_converters/make_coco_multilabel.py', src, out, '--year',
            '2017', '--check-images', '--img-root', tmp_path, '--debug')


def test_make_voc_and_pu_mlc_voc(tmp_path, capsys):
    root = write_voc(tmp_path / 'VOC2007', 'trainval', {
        'a': [('dog', 0), ('cat', 1)], 'b': [('person', 0)], 'c': [],
        'd': [('cow', 0), ('bus', 0)]})
    out = tmp_path / 'voc.json'
    run('dataset_converters/make_voc_multilabel.py', root, 'trainval', out,
        '--difficult', 'unknown', capsys=capsys)
    ann = load_annotation(str(out))
    assert ann['metainfo']['unlisted'] == -1
    observed, clean = dense_labels(ann)
    assert observed[0, 7] == -1 and observed[0, 11] == 1 and clean is None
    assert (observed == -1).sum() == 1
    pu = tmp_path / 'pu.json'
    run('dataset_converters/convert_pu_mlc.py', 'voc', root, pu, '--prob',
        '0.5', capsys=capsys)
    ann = load_annotation(str(pu))
    observed, clean = dense_labels(ann)
    full = clean * 2 - 1      # the official +-1 matrix
    keep = np.random.RandomState(0).random(full.shape) < 0.5
    np.testing.assert_array_equal(observed,
                                  np.where(keep, (full + 1) // 2, -1))
    assert clean[0, 7] == 0    # difficult cat skipped (negative)


def test_convert_hill_lists(tmp_path, capsys):
    (tmp_path / 'part.txt').write_text('x.jpg,1\ny.jpg, 0 79\n')
    (tmp_path / 'full.txt').write_text('x.jpg,1 2\ny.jpg,0 79 5\n')
    out = tmp_path / 'h.json'
    run('dataset_converters/convert_hill_lists.py', tmp_path / 'part.txt',
        out, '--full', tmp_path / 'full.txt', capsys=capsys)
    ds = MLCDataset(str(out))
    assert ds.metainfo['classes'][0] == 'person' and len(
        ds.metainfo['classes']) == 80
    obs = ds.label_store.observed()
    assert obs[1, 79] == 1 and obs[1, 5] == -1 and (obs == 0).sum() == 0
    np.testing.assert_array_equal(np.flatnonzero(ds.get_data_info(1)[
        'gt_clean']), [0, 5, 79])


def test_convert_db_mlt_with_noise(tmp_path, capsys):
    labels = np.zeros((3, 20), np.int64)
    labels[0, [0, 14]] = labels[1, 14] = labels[2, 3] = 1
    noisy = labels.copy()
    noisy[1, 14], noisy[1, 2] = 0, 1
    folder = write_db_folder(tmp_path / 'db', ['2008_000001', '2008_000002',
                                               '2008_000003'], labels,
                             dict(head=[14], middle=[0, 1], tail=list(
                                 set(range(20)) - {0, 1, 14})),
                             noise=(0.5, noisy))
    out = tmp_path / 'out' / 'train.json'
    run('dataset_converters/convert_db_mlt.py', folder, out, '--dataset',
        'voc', capsys=capsys)
    ann = load_annotation(str(out))
    assert ann['data_list'][0]['img_path'] == 'JPEGImages/2008_000001.jpg'
    assert ann['data_list'][0]['pos'] == [0, 14]
    split = json.loads((tmp_path / 'out' / 'class_split.json').read_text())
    assert split['many'] == [14] and split['medium'] == [0, 1]
    out_n = tmp_path / 'out' / 'train_noise0.5.json'
    run('dataset_converters/convert_db_mlt.py', folder, out_n, '--dataset',
        'voc', '--noise-pkl', 'class_freq_0.5noise.pkl', capsys=capsys)
    observed, clean = dense_labels(load_annotation(str(out_n)))
    np.testing.assert_array_equal(observed, noisy)
    np.testing.assert_array_equal(clean, labels)


def test_convert_comic(tmp_path, capsys):
    part = {f'{i:012d}.jpg': [int(i % 2 == 0)] + [int(i % 3 == 0)] * 79
            for i in range(1, 7)}
    full = {k: [1] + v[1:] for k, v in part.items()}
    (tmp_path / 'p.json').write_text(json.dumps(part))
    (tmp_path / 'f.json').write_text(json.dumps(full))
    (tmp_path / 't.json').write_text(json.dumps(full))
    (tmp_path / 'dist.txt').write_text('old\n' + ','.join(
        str(v) for v in np.array(list(part.values())).sum(0)) + '\n')
    np.save(tmp_path / 'co.npy', np.ones((80, 80)), allow_pickle=False)
    out = tmp_path / 'plt'
    text = run('dataset_converters/convert_comic.py', '--dataset', 'coco',
               '--train', tmp_path / 'p.json', '--full', tmp_path / 'f.json',
               '--test', tmp_path / 't.json', '--distribution',
               tmp_path / 'dist.txt', '--cooccurrence', tmp_path / 'co.npy',
               '--out-dir', out, capsys=capsys)
    assert 'equals the partial training counts: True' in text
    train = load_annotation(str(out / 'train.json'))
    assert train['metainfo']['unlisted'] == -1
    assert train['data_list'][1]['pos'] == [0]           # image 2
    assert train['data_list'][0]['clean_pos'] == [0]     # image 1
    test = load_annotation(str(out / 'test.json'))
    assert test['metainfo']['unlisted'] == 0
    split = json.loads((out / 'class_split.json').read_text())
    assert len(split['few']) == 80                    # all counts < 20
    assert np.load(out / 'cooccurrence.npy').shape == (80, 80)


def test_build_plt_mlt_and_left(tmp_path, capsys):
    src, labels = random_coco_pool(tmp_path / 'i.json', num_images=300)
    pool = tmp_path / 'pool.json'
    run('dataset_converters/make_coco_multilabel.py', src, pool, '--year',
        '2017', capsys=capsys)
    text = run('dataset_converters/build_plt.py', 'coco', pool,
               tmp_path / 'plt', '--n-max', 120, capsys=capsys)
    assert '[3/3]' in text and 'head/medium/tail' in text
    full = load_annotation(str(tmp_path / 'plt' / 'train_full.json'))
    part = load_annotation(str(tmp_path / 'plt' / 'train.json'))
    assert [p['op'] for p in part['metainfo']['provenance']] == [
        'make_coco_multilabel', 'longtail_subsample',
        'keep_positives_bernoulli']
    obs, clean = dense_labels(part)
    assert len(part['data_list']) == len(full['data_list']) < 300
    assert ((obs == 1) <= (clean == 1)).all() and (obs != 0).all()
    assert 0.45 < (obs == 1).sum() / clean.sum() < 0.75
    split = json.loads((tmp_path / 'plt' / 'class_split.json').read_text())
    counts = (obs == 1).sum(0)
    assert all(counts[c] >= 100 for c in split['many'])
    assert all(counts[c] < 20 for c in split['few'])
    co = np.load(tmp_path / 'plt' / 'cooccurrence.npy')
    np.testing.assert_array_equal(np.diag(co), clean.sum(0))

    text = run('dataset_converters/build_mlt.py', 'coco', pool,
               tmp_path / 'mlt', '--n-max', 100, '--noise', 0.5,
               capsys=capsys)
    clean_ann = load_annotation(str(tmp_path / 'mlt' / 'train.json'))
    noisy_ann = load_annotation(str(tmp_path / 'mlt' /
                                    'train_noise0.5.json'))
    obs, clean = dense_labels(noisy_ann)
    assert noisy_ann['metainfo']['unlisted'] == 0
    np.testing.assert_array_equal(clean, dense_labels(clean_ann)[0])
    np.testing.assert_array_equal((obs == 1).sum(1), clean.sum(1))
    assert ((obs == 1) != (clean == 1)).any()
    # official id list instead of the fallback subsample
    ids = tmp_path / 'img_id.pkl'
    ids.write_text('3\n1\n')
    run('dataset_converters/build_mlt.py', 'coco', pool, tmp_path / 'mlt2',
        '--img-ids', ids, capsys=capsys)
    sel = load_annotation(str(tmp_path / 'mlt2' / 'train.json'))
    assert [e['img_path'] for e in sel['data_list']] == [
        '000000000003.jpg', '000000000001.jpg']

    left = tmp_path / 'left.json'
    run('dataset_converters/build_coco_left.py', pool, left, '--preset',
        '0.4left', capsys=capsys)
    obs, clean = dense_labels(load_annotation(str(left)))
    n = clean.sum(1)
    np.testing.assert_array_equal((obs == 1).sum(1), np.minimum(n, n // 5 + 1))


def test_dataset_stats_shared(shared_data, capsys):
    hill = stats_json(capsys, osp.join(shared_data, 'robust_loss_mlml',
                                       'coco_train_0.4left.txt'),
                      '--format', 'hill')
    assert hill['num_images'] == 82081 and hill['num_positive'] == 96251
    assert hill['num_classes'] == 80 and hill['format'] == 'list'
    assert abs(hill['labels_per_image'] - 96251 / 82081) < 1e-9
    voc = stats_json(capsys, osp.join(shared_data, 'db_loss_voc_mlt'))
    assert voc['num_images'] == 1142 and voc['format'] == 'db_mlt'
    assert voc['split_sizes'] == dict(head=6, medium=6, tail=8)
    assert voc['class_counts']['person'] == 775
    plt_voc = stats_json(capsys, osp.join(shared_data, 'comic_plt_voc'))
    assert plt_voc['split_sizes'] == dict(head=10, medium=7, tail=3)
    assert plt_voc['num_images'] == 2830


def test_dataset_stats_standard(tmp_path, capsys):
    ann = dict(metainfo=dict(classes=['a', 'b', 'c'], unlisted=-1),
               data_list=[dict(img_path='x', pos=[0], neg=[1]),
                          dict(img_path='y', pos=[0, 2], neg=[],
                               clean_pos=[0, 2])])
    ann['data_list'][0]['clean_pos'] = [0, 1]
    (tmp_path / 'a.json').write_text(json.dumps(ann))
    (tmp_path / 'class_split.json').write_text(json.dumps(
        dict(many=[0], medium=[2], few=[1])))
    s = stats_json(capsys, tmp_path / 'a.json', '--audit')
    assert (s['num_images'], s['num_positive'], s['num_negative'],
            s['num_unknown']) == (2, 3, 1, 2)
    assert s['labels_per_image'] == 1.5
    assert s['class_counts'] == dict(a=2, b=0, c=1)
    assert s['split_sizes'] == dict(head=1, medium=1, tail=1)
    assert s['audit']['flip_pos_to_neg'] == 1 / 4


def test_corrupt_labels_audit_out(tmp_path, capsys):
    ann = dict(metainfo=dict(classes=['a', 'b', 'c'], unlisted=0),
               data_list=[dict(img_path=f'{i}', pos=[0, 1, 2][:i % 3 + 1],
                               neg=[]) for i in range(30)])
    (tmp_path / 'full.json').write_text(json.dumps(ann))
    run('dataset_converters/corrupt_labels.py', tmp_path / 'full.json',
        tmp_path / 'single.json', '--op', 'single_positive', '--audit-out',
        tmp_path / 'audit.json', capsys=capsys)
    report = json.loads((tmp_path / 'audit.json').read_text())
    assert report['positives_per_image_hist'] == [0, 30]
    assert report['kept_fraction'] == 30 / 60


def test_voc_mlt_config_on_converted_shared_files(shared_data, tmp_path,
                                                  capsys):
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mlc.registry import DATASETS
    from mlc.utils import register_all_modules
    register_all_modules(init_default_scope=False)
    out = tmp_path / 'voc-mlt' / 'train.json'
    run('dataset_converters/convert_db_mlt.py',
        osp.join(shared_data, 'db_loss_voc_mlt'), out, '--dataset', 'voc',
        capsys=capsys)
    cfg = Config.fromfile(osp.join(ROOT, 'configs/_base_/datasets/'
                                   'voc-mlt.py'))
    ds_cfg = cfg.train_dataloader.dataset
    ds_cfg.update(data_root=str(tmp_path / 'voc-mlt'),
                  class_split=str(tmp_path / 'voc-mlt' / 'class_split.json'))
    with DefaultScope.overwrite_default_scope('mlc'):
        ds = DATASETS.build(ds_cfg)
    assert len(ds) == 1142
    assert ds.metainfo['class_freq'][14] == 775
    assert {k: len(v) for k, v in ds.metainfo['class_split'].items()} == dict(
        many=6, medium=6, few=8)
    info = ds.get_data_info(0)
    assert info['img_path'] == str(tmp_path / 'voc-mlt' / 'VOCdevkit' /
                                   'VOC2012' / 'JPEGImages' /
                                   '2008_000023.jpg')
    np.testing.assert_array_equal(info['gt_clean'], info['gt_score'])


def test_dataset_stats_coco_and_comic_json(tmp_path, capsys):
    src = write_coco(tmp_path / 'i.json', {1: [1, 3], 2: [7]},
                     extra_images=[3])
    s = stats_json(capsys, src, '--keep-unannotated')
    assert s['format'] == 'coco' and s['num_images'] == 3
    assert s['num_positive'] == 3 and s['images_without_positive'] == 1
    (tmp_path / 'LT_train.json').write_text(json.dumps(
        {'a.jpg': [1, 0, 0], 'b.jpg': [1, 1, 0]}))
    s = stats_json(capsys, tmp_path / 'LT_train.json', '--format', 'comic',
                   '--split-from-counts')
    assert (s['num_positive'], s['num_unknown']) == (3, 3)
    assert s['split_sizes'] == dict(head=0, medium=0, tail=3)


def test_convert_db_mlt_training_split_must_cover_classes(tmp_path, capsys):
    import pickle
    labels = np.eye(20, dtype=np.int64)[:3]
    folder = write_db_folder(tmp_path / 'db', ['a', 'b', 'c'], labels,
                             dict(head=list(range(20))))
    with open(osp.join(folder, 'training_split.pkl'), 'wb') as f:
        pickle.dump(dict(head={np.int64(0)}, middle=set(),
                         tail=set(map(np.int64, range(2, 20)))), f,
                    protocol=2)
    with pytest.raises(SystemExit):
        run('dataset_converters/convert_db_mlt.py', folder,
            tmp_path / 'o.json', '--dataset', 'voc', capsys=capsys)
    assert 'every class in exactly one' in capsys.readouterr().err
