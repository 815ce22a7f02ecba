"""Own data end to end: a small COCO-format set (48x40 px images, category
ids 3, 7, 10, 42), observed positives only, through the documented
``configs/own_data`` configs of BCE, Hill, SPLC, PU-MLC and COMIC."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner
from PIL import Image

from mlc.utils.config_check import check_config
from mlc.utils.setup_env import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAT_IDS = {3: 'cat', 7: 'fish', 10: 'dog', 42: 'bird'}  # not contiguous
WIDTH, HEIGHT = 48, 40


def make_coco_set(root: str, num_train: int = 16, num_test: int = 8,
                  seed: int = 0) -> None:
    """Images (W x H = 48 x 40) and COCO instances files; the training file
    lists one positive per image (observed positives only), the test file
    every positive."""
    rng = np.random.default_rng(seed)
    ids = sorted(CAT_IDS)
    for split, num in (('train', num_train), ('test', num_test)):
        folder = osp.join(root, split)
        images, anns = [], []
        for i in range(num):
            labels = rng.random(len(ids)) < 0.5
            labels[i % len(ids)] = True
            img = rng.integers(0, 60, (HEIGHT, WIDTH, 3), dtype=np.uint8)
            for c in np.flatnonzero(labels):
                y, x = divmod(c, 2)
                img[y * 20:(y + 1) * 20, x * 24:(x + 1) * 24] += 150
            name = f'{i:04d}.png'
            Image.fromarray(img).save(_mkdir(folder, name))
            images.append(dict(id=100 + i, file_name=name, width=WIDTH,
                               height=HEIGHT))
            listed = ([i % len(ids)] if split == 'train'
                      else np.flatnonzero(labels).tolist())
            anns += [dict(id=len(anns) + 1, image_id=100 + i,
                          category_id=ids[c], bbox=[0, 0, 5, 5], area=25.,
                          iscrowd=0) for c in listed]
        with open(_mkdir(osp.join(root, 'annotations'),
                         f'instances_{split}.json'), 'w') as f:
            json.dump(dict(images=images, annotations=anns,
                           categories=[dict(id=k, name=v)
                                       for k, v in CAT_IDS.items()]), f)


def _mkdir(folder: str, name: str) -> str:
    os.makedirs(folder, exist_ok=True)
    return osp.join(folder, name)


def own_cfg(name: str, data_root: str, work_dir: str) -> Config:
    """A documented own-data config, shortened to one epoch of batch 4."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'own_data', name))
    cfg.merge_from_dict({
        'own_data.data_root': data_root, 'work_dir': work_dir,
        'train_cfg.max_epochs': 1, 'train_cfg.val_interval': 1,
        'train_dataloader.batch_size': 4, 'val_dataloader.batch_size': 8,
        'test_dataloader.batch_size': 8})
    check_config(cfg)
    return cfg


@pytest.fixture(scope='module')
def coco_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('own_coco'))
    make_coco_set(root)
    return root


def test_own_coco_config_expands(coco_root, tmp_path):
    cfg = own_cfg('hill_r18_own-coco.py', coco_root, str(tmp_path))
    train = cfg.train_dataloader.dataset
    assert train.type == 'COCOMultiLabel' and train.unlisted == -1
    assert 'variant' not in train and 'split' not in train
    assert cfg.test_dataloader.dataset.unlisted == 0
    assert cfg.model.head.num_classes == 4
    sizes = [t.get('scale') or t.get('crop_size')
             for t in train.pipeline if t['type'] in ('Resize', 'RandomCrop')]
    assert sizes == [(48, 48), 48]
    # no val file: the test file is monitored, never used for selection
    assert cfg.default_hooks.checkpoint.save_best is None
    assert {e['prefix'] for e in cfg.val_evaluator} == {'test_monitor'}


@pytest.mark.parametrize('name', [
    'bce_r18_own-coco.py', 'hill_r18_own-coco.py', 'splc_r18_own-coco.py',
    'pu-mlc_r18_own-coco.py', 'comic_r18_own-coco.py'])
def test_own_coco_trains_every_family(name, coco_root, tmp_path):
    register_all_modules(init_default_scope=False)
    torch.set_num_threads(1)
    cfg = own_cfg(name, coco_root, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    dataset = runner.train_dataloader.dataset
    assert list(dataset.metainfo['classes']) == ['cat', 'fish', 'dog', 'bird']
    first = dataset[0]['data_samples'].gt_score
    # image 0 lists only its first class (id 3, index 0): the rest unknown
    assert first.tolist() == [1., -1., -1., -1.]
    assert dataset[0]['inputs'].shape[-2:] == (48, 48)
    runner.train()
    test_set = runner.test_dataloader.dataset
    assert set(np.unique(test_set.label_store.observed())) <= {0, 1}


def _run_converter(*args):
    from test_real_converters import run
    return run('dataset_converters/make_coco_multilabel.py', *args)


def test_converter_any_instances_file_clean_only_from_a_clean_source(
        coco_root, tmp_path):
    from mlc.datasets.annotation import dense_labels, load_annotation
    observed = osp.join(coco_root, 'annotations', 'instances_train.json')
    out = str(tmp_path / 'train.json')
    _run_converter(observed, out, '--unlisted', '-1')  # no --year needed
    ann = load_annotation(out)
    assert ann['metainfo']['unlisted'] == -1
    assert ann['metainfo']['classes'] == ['cat', 'fish', 'dog', 'bird']
    obs, clean = dense_labels(ann)
    assert clean is None  # the observed positives are not clean labels
    assert obs[0].tolist() == [1, -1, -1, -1]
    # a clean source of the same images: the training file plus one more
    # positive (bird) of image 0
    full = str(tmp_path / 'full.json')
    with open(observed) as f:
        data = json.load(f)
    data['annotations'].append(dict(id=999, image_id=100, category_id=42,
                                    bbox=[0, 0, 5, 5], area=25.))
    with open(full, 'w') as f:
        json.dump(data, f)
    _run_converter(observed, out, '--unlisted', '-1', '--clean', full)
    obs, clean = dense_labels(load_annotation(out))
    assert clean[0].tolist() == [1, 0, 0, 1] and obs[0, 3] == -1
    # one line naming the file, the image and the class
    with pytest.raises(SystemExit, match='"0000.png" has observed '
                       'positive "bird" that is not a clean positive'):
        _run_converter(full, out, '--clean', observed)


def test_own_list_and_csv_configs(tmp_path):
    from mlc.registry import DATASETS
    register_all_modules(init_default_scope=False)
    lst = tmp_path / 'list'
    (lst / 'images').mkdir(parents=True)
    (lst / 'classes.txt').write_text('a\nb\nc\n')
    (lst / 'train.txt').write_text('0.png,2\n1.png,0 1\n')
    (lst / 'test.txt').write_text('0.png,2\n')
    cfg = own_cfg('hill_r18_own-list.py', str(lst), str(tmp_path))
    dataset = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=[]))
    assert cfg.model.head.num_classes == 3
    assert dataset.label_store.observed().tolist() == [[-1, -1, 1],
                                                       [1, 1, -1]]
    csv = tmp_path / 'csv'
    (csv / 'images').mkdir(parents=True)
    (csv / 'train.csv').write_text('image,a,b\n0.png,1,0\n1.png,,1\n')
    (csv / 'test.csv').write_text('image,a,b\n0.png,1,\n')
    cfg = own_cfg('splc_r18_own-csv.py', str(csv), str(tmp_path))
    assert cfg.model.head.num_classes == 2
    train = DATASETS.build(dict(cfg.train_dataloader.dataset, pipeline=[]))
    test = DATASETS.build(dict(cfg.test_dataloader.dataset, pipeline=[]))
    assert train.label_store.observed().tolist() == [[1, 0], [-1, 1]]
    assert test.label_store.observed().tolist() == [[1, 0]]


def test_own_data_problems_are_reported_together(coco_root, tmp_path):
    from mlc.utils.config_check import ConfigError
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'own_data',
                                   'bce_r18_own-coco.py'))
    cfg.merge_from_dict({'own_data.data_root': coco_root,
                         'own_data.input_sise': 48, 'own_data.test': None})
    with pytest.raises(ConfigError) as err:
        check_config(cfg)
    assert str(err.value).split('\n')[1:] == [
        "(1) own_data: unknown key(s) ['input_sise']; known keys: "
        "['data_root', 'train', 'val', 'test', 'img_prefix', "
        "'train_unlisted', 'test_unlisted', 'classes', 'num_classes', "
        "'input_size', 'shot_rule']",
        '(2) own_data: "test" (the test annotation file) is required']
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'own_data',
                                   'bce_r18_own-coco.py'))
    cfg.merge_from_dict({'own_data.data_root': coco_root,
                         'own_data.num_classes': 5})
    with pytest.raises(ConfigError, match=r'own_data: num_classes=5 but '
                       r'\S+instances_train.json has 4 classes'):
        check_config(cfg)
