"""Open Images: reader of the real V6 formats, cache, dataset, converter."""
import os.path as osp
import runpy
import sys

import numpy as np
import pytest
from conftest import ROOT
from real_format_fixtures import write_open_images

from mlc.datasets import OpenImages
from mlc.datasets import open_images as oi_module
from mlc.datasets.readers.open_images import image_id_str, read_open_images

IDS = ['000002b66c9c498e', '0000048549557964', '0000071d71a0a6f6']
CLASSES = ['/m/05s2s', '/m/014j1m', '/m/0cmf2']
HUMAN = [[1, 1, 0], [-1, -1, 1], [0, -1, -1]]


def read(paths, **kwargs):
    return read_open_images(paths['ann_file'], paths['classes_file'],
                            paths['trainable_file'], **kwargs)


def test_human_labels(tmp_path):
    labels = read(write_open_images(tmp_path))
    assert [image_id_str(i) for i in labels.image_ids] == IDS
    assert labels.classes == CLASSES
    assert labels.display_names == ['Plant, potted', 'Apple', 'Airplane']
    np.testing.assert_array_equal(labels.store.observed(), HUMAN)


def test_machine_labels_above_threshold_where_no_human_label(tmp_path):
    paths = write_open_images(tmp_path)
    labels = read(paths, machine_csv=paths['machine_file'],
                  machine_threshold=0.5)
    np.testing.assert_array_equal(labels.store.observed(),
                                  [[1, 1, 0], [-1, 1, 1], [0, -1, -1]])
    labels = read(paths, machine_csv=paths['machine_file'],
                  machine_threshold=0.2)
    np.testing.assert_array_equal(labels.store.observed()[1], [1, 1, 1])


def test_blocks_split_anywhere(tmp_path, monkeypatch):
    """Lines cut by the block size parse as whole lines."""
    from mlc.datasets.readers import open_images
    paths = write_open_images(tmp_path)
    monkeypatch.setattr(open_images, 'BLOCK_BYTES', 7)
    np.testing.assert_array_equal(read(paths).store.observed(), HUMAN)


@pytest.mark.parametrize('line, match', [
    ('000002b66c9c498e,verification,/m/0cmf2', r':3: expected 4 fields'),
    ('000002b66c9c498g,verification,/m/0cmf2,1', r':3: ImageID is not 16'),
    ('2b66c9c498e,verification,/m/0cmf2,1', r':3: ImageID must have 16'),
    ('000002b66c9c498e,verification,/m/0cmf2,2', r':3: human-verified '
     'Confidence must be 0 or 1'),
])
def test_bad_rows_name_file_and_line(tmp_path, line, match):
    paths = write_open_images(tmp_path)
    with open(paths['ann_file'], 'w') as f:
        f.write('ImageID,Source,LabelName,Confidence\n'
                '000002b66c9c498e,verification,/m/0cmf2,1\n' + line + '\n')
    with pytest.raises(ValueError, match='human-imagelabels.csv' + match):
        read(paths)


def test_bad_header_and_unknown_trainable_class(tmp_path):
    paths = write_open_images(tmp_path)
    with open(paths['trainable_file'], 'a') as f:
        f.write('/m/nope\n')
    with pytest.raises(ValueError, match='not in .*class-descriptions'):
        read(paths)
    paths = write_open_images(tmp_path)
    with open(paths['ann_file'], 'w') as f:
        f.write('ImageID,LabelName\n')
    with pytest.raises(ValueError, match=r'human-imagelabels.csv:1: header'):
        read(paths)


def test_dataset_parses_once_then_maps_the_cache(tmp_path, monkeypatch):
    paths = write_open_images(tmp_path / 'oi')
    kwargs = dict(data_prefix='images', cache_dir=str(tmp_path / 'cache'),
                  **{k: v for k, v in paths.items() if k != 'machine_file'})
    ds = OpenImages(**kwargs)
    assert len(ds) == 3 and ds.metainfo['classes'] == tuple(CLASSES)
    assert ds.metainfo['provenance'][0]['op'] == 'read_open_images'
    info = ds.get_data_info(1)
    assert info['img_path'] == osp.join('images', IDS[1] + '.jpg')
    np.testing.assert_array_equal(info['gt_score'], HUMAN[1])
    np.testing.assert_array_equal(info['gt_label'], [2])

    def fail(*args, **kwargs):
        raise AssertionError('parsed again')

    monkeypatch.setattr(oi_module, 'read_open_images', fail)
    again = OpenImages(**kwargs, indices=[2, 0])
    assert isinstance(again._image_ids, np.ndarray)
    np.testing.assert_array_equal(again.label_store.observed(),
                                  [HUMAN[2], HUMAN[0]])
    assert again.metainfo['class_freq'] == [1, 1, 0]
    store = OpenImages(**kwargs).label_store
    assert isinstance(store._indices, np.memmap)  # mapped, not read


def test_converter_writes_the_cache_the_dataset_reads(tmp_path,
                                                      monkeypatch):
    paths = write_open_images(tmp_path / 'oi')
    cache = str(tmp_path / 'cache')
    monkeypatch.setattr(sys, 'argv', [
        'convert_open_images.py', paths['ann_file'], paths['classes_file'],
        paths['trainable_file'], '--cache-dir', cache])
    monkeypatch.syspath_prepend(osp.join(ROOT, 'tools', 'dataset_converters'))
    runpy.run_path(osp.join(ROOT, 'tools', 'dataset_converters',
                            'convert_open_images.py'), run_name='__main__')
    monkeypatch.setattr(oi_module, 'read_open_images', None)  # no parse
    ds = OpenImages(cache_dir=cache, **{k: v for k, v in paths.items()
                                        if k != 'machine_file'})
    np.testing.assert_array_equal(ds.label_store.observed(), HUMAN)


def test_pickled_dataset_maps_the_cache_again(tmp_path):
    """Spawned workers receive file names, not copies of the labels."""
    import pickle
    paths = write_open_images(tmp_path / 'oi')
    ds = OpenImages(cache_dir=str(tmp_path / 'cache'),
                    **{k: v for k, v in paths.items() if k != 'machine_file'})
    assert ds.metainfo['class_freq'] == [1, 1, 1]
    copy = pickle.loads(pickle.dumps(ds))
    assert isinstance(copy._image_ids, np.memmap)
    assert isinstance(copy.label_store._indices, np.memmap)
    np.testing.assert_array_equal(copy.label_store.observed(), HUMAN)
    assert copy.get_data_info(2)['img_path'].endswith(IDS[2] + '.jpg')
    blob = pickle.dumps(ds.label_store)
    assert b'numpy' not in blob  # the folder name, no array



def test_config_pipelines_run_on_the_fixture(tmp_path):
    """The Open Images dataset config builds and its train and test
    pipelines load real image files named by ImageID."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    from PIL import Image

    from mlc.registry import DATASETS
    from mlc.utils import register_all_modules
    paths = write_open_images(tmp_path / 'oi')
    rng = np.random.default_rng(0)
    for split in ('train', 'test'):
        (tmp_path / 'oi' / split).mkdir()
        for name in IDS:
            Image.fromarray(rng.integers(0, 255, (40, 50, 3), np.uint8)).save(
                tmp_path / 'oi' / split / f'{name}.jpg')
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'open_images',
                                   'asl_r50_openimages.py'))
    assert cfg.model.head.num_classes == 9605
    for loader in ('train_dataloader', 'test_dataloader'):
        dataset_cfg = cfg[loader].dataset
        dataset_cfg.update(
            data_root=str(tmp_path / 'oi'), cache_dir=str(tmp_path / 'c'),
            **{k: v for k, v in paths.items() if k != 'machine_file'})
        with DefaultScope.overwrite_default_scope('mlc'):
            sample = DATASETS.build(dataset_cfg)[1]
        assert tuple(sample['inputs'].shape) == (3, 224, 224)
        np.testing.assert_array_equal(sample['data_samples'].gt_score,
                                      HUMAN[1])
