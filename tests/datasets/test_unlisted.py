"""``unlisted`` is applied by every reader that accepts it: a class neither
listed positive nor listed negative for an image takes ``unlisted``."""
import json
import os.path as osp

import numpy as np
import pytest
from real_format_fixtures import write_coco, write_voc

from mlc.datasets import (
    COCOMultiLabel,
    ListFileDataset,
    MLCDataset,
    VOCMultiLabel,
)

VOC_OBJECTS = {
    '2007_000001': [('dog', 0), ('person', 1)],   # person difficult only
    '2007_000002': [('cat', 0)],
}


def test_standard_file(tmp_path):
    path = tmp_path / 'a.json'
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=['a', 'b', 'c'], unlisted=0),
        data_list=[dict(img_path='x.png', pos=[0], neg=[2]),
                   dict(img_path='y.png', pos=[1])])))
    np.testing.assert_array_equal(
        MLCDataset(ann_file=str(path)).label_store.observed(),
        [[1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(
        MLCDataset(ann_file=str(path), unlisted=-1).label_store.observed(),
        [[1, -1, 0], [-1, 1, -1]])


def test_list_file(tmp_path):
    (tmp_path / 'l.txt').write_text('x.jpg,1\ny.jpg,0 2\n')
    for unlisted in (-1, 0):
        ds = ListFileDataset(str(tmp_path / 'l.txt'), classes=['a', 'b', 'c'],
                             unlisted=unlisted)
        u = unlisted
        np.testing.assert_array_equal(ds.label_store.observed(),
                                      [[u, 1, u], [1, u, 1]])
    for bad in (None, 1, True):
        with pytest.raises(ValueError, match='unlisted must be'):
            ListFileDataset(str(tmp_path / 'l.txt'), classes=['a', 'b', 'c'],
                            unlisted=bad)


@pytest.mark.parametrize('cache', [False, True])
def test_coco_instances(tmp_path, cache):
    path = write_coco(tmp_path / 'i.json', {1: [1, 3], 2: [7]})
    kw = dict(cache=cache, cache_dir=str(tmp_path / 'c'))
    full = COCOMultiLabel(path, **kw).label_store.observed()
    np.testing.assert_array_equal(full, [[1, 1, 0], [0, 0, 1]])
    partial = COCOMultiLabel(path, unlisted=-1, **kw).label_store.observed()
    np.testing.assert_array_equal(partial, [[1, 1, -1], [-1, -1, 1]])
    zero = COCOMultiLabel(path, unlisted=0, **kw).label_store.observed()
    np.testing.assert_array_equal(zero, full)


@pytest.mark.parametrize('cache', [False, True])
def test_voc_xml(tmp_path, cache):
    root = write_voc(tmp_path / 'VOC2007', 'test', VOC_OBJECTS)
    kw = dict(data_root=root, cache=cache, cache_dir=str(tmp_path / 'c'))
    for difficult, person0 in (('negative', 0), ('positive', 1),
                               ('unknown', -1)):
        default = VOCMultiLabel('ImageSets/Main/test.txt',
                                difficult=difficult, **kw)
        expected = np.zeros((2, 20))
        expected[0, 11] = expected[1, 7] = 1
        expected[0, 14] = person0
        np.testing.assert_array_equal(default.label_store.observed(),
                                      expected)
        ds = VOCMultiLabel('ImageSets/Main/test.txt', difficult=difficult,
                           unlisted=-1, **kw)
        obs = ds.label_store.observed()
        # classes without any object are unknown; the difficult rule still
        # decides the difficult-only ones
        expected = np.full((2, 20), -1)
        expected[0, 11] = expected[1, 7] = 1
        expected[0, 14] = person0
        np.testing.assert_array_equal(obs, expected)


def test_voc_flags(tmp_path):
    root = write_voc(tmp_path / 'VOC2007', 'test', VOC_OBJECTS)
    # the dog flag file lists only the first image: the second is unlisted
    dog = osp.join(root, 'ImageSets', 'Main', 'dog_test.txt')
    with open(dog) as f:
        lines = f.readlines()
    with open(dog, 'w') as f:
        f.write(lines[0])
    ann = 'ImageSets/Main/test.txt'
    obs0 = VOCMultiLabel(ann, data_root=root,
                         difficult='flags').label_store.observed()
    obs = VOCMultiLabel(ann, data_root=root, difficult='flags',
                        unlisted=-1).label_store.observed()
    expected = np.zeros((2, 20))
    expected[0, 11] = expected[1, 7] = 1
    np.testing.assert_array_equal(obs0, expected)
    expected[1, 11] = -1        # not in dog_test.txt
    np.testing.assert_array_equal(obs, expected)


def test_cache_of_the_old_parser_not_read(tmp_path, monkeypatch):
    """A cache written before ``unlisted`` was applied (all-zero unknowns,
    same key parameters) must not be served after the fix."""
    from mlc.datasets import annotation_cache
    path = write_coco(tmp_path / 'i.json', {1: [1, 3], 2: [7]})
    kw = dict(unlisted=-1, cache=True, cache_dir=str(tmp_path / 'c'))
    old_parse = COCOMultiLabel.parse_annotation

    def parse_ignoring_unlisted(self):
        parsed = old_parse(self)
        parsed.observed = (parsed.observed == 1).astype(np.int8)
        return parsed
    with monkeypatch.context() as m:
        m.setattr(annotation_cache, 'CACHE_VERSION', 1)
        m.setattr(COCOMultiLabel, 'parse_annotation', parse_ignoring_unlisted)
        stale = COCOMultiLabel(path, **kw).label_store.observed()
    assert (stale == -1).sum() == 0
    np.testing.assert_array_equal(
        COCOMultiLabel(path, **kw).label_store.observed(),
        [[1, 1, -1], [-1, -1, 1]])
