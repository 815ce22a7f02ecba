"""Readers of COCO, VOC, list files and the published split files."""
import json
import os.path as osp

import numpy as np
import pytest
from real_format_fixtures import write_coco, write_db_folder, write_voc

from mlc.datasets import (
    AnnotationError,
    COCOMultiLabel,
    ListFileDataset,
    VOCMultiLabel,
)
from mlc.datasets.readers import (
    ListFileError,
    coco_labels,
    read_class_dict,
    read_comic_folder,
    read_comic_json,
    read_db_folder,
    read_distribution,
    read_id_list,
    read_list_file,
    voc_flag_labels,
    voc_xml_labels,
)


# ---------------------------------------------------------------- list files
def test_list_file_irregular_spaces(tmp_path):
    path = tmp_path / 'l.txt'
    path.write_text('a.jpg,0\nb.jpg, 8 41\n\nc.jpg,  3   2 \nd.jpg,\n')
    names, labels = read_list_file(str(path), 80)
    assert names == ['a.jpg', 'b.jpg', 'c.jpg', 'd.jpg']
    assert labels == [[0], [8, 41], [2, 3], []]


@pytest.mark.parametrize('text,match', [
    ('a.jpg,0\nb.jpg 3\n', r'l\.txt, line 2: expected "IMAGE,<class ids>"'),
    ('a.jpg,0\nb.jpg,3 x\n', r'line 2: class ids must be integers'),
    ('a.jpg,0\n\nb.jpg,80\n', r'line 3: class index 80 out of range'),
    ('a.jpg,0\nb.jpg,-1\n', r'line 2: class index -1 out of range'),
    ('a.jpg,0\nb.jpg,1\na.jpg,2\n', r'line 3: image "a.jpg" is listed twice'
     r' \(first on line 1\)'),
])
def test_list_file_errors_name_file_and_line(tmp_path, text, match):
    path = tmp_path / 'l.txt'
    path.write_text(text)
    with pytest.raises(ListFileError, match=match):
        read_list_file(str(path), 80)


def test_list_file_dataset_unlisted_and_clean(tmp_path):
    (tmp_path / 'part.txt').write_text('x.jpg,1\ny.jpg, 0 2\n')
    (tmp_path / 'full.txt').write_text('y.jpg,0 2\nx.jpg,1 2\n')
    ds = ListFileDataset(str(tmp_path / 'part.txt'), classes=['a', 'b', 'c'],
                         clean_file=str(tmp_path / 'full.txt'))
    np.testing.assert_array_equal(ds.label_store.observed(),
                                  [[-1, 1, -1], [1, -1, 1]])
    np.testing.assert_array_equal(ds.get_data_info(0)['gt_clean'], [0, 1, 1])
    ds0 = ListFileDataset(str(tmp_path / 'part.txt'), classes=['a', 'b', 'c'],
                          unlisted=0)
    np.testing.assert_array_equal(ds0.label_store.observed(),
                                  [[0, 1, 0], [1, 0, 1]])
    (tmp_path / 'bad_full.txt').write_text('y.jpg,0\nx.jpg,1\n')
    with pytest.raises(ListFileError, match=r'"y.jpg" lists positives \[2\]'):
        ListFileDataset(str(tmp_path / 'part.txt'), classes=['a', 'b', 'c'],
                        clean_file=str(tmp_path / 'bad_full.txt'))


def test_missing_image_at_load_time(tmp_path):
    (tmp_path / 'l.txt').write_text('missing.jpg,0\n')
    pipeline = [dict(type='LoadImageFromFile')]
    ds = ListFileDataset(str(tmp_path / 'l.txt'), classes=['a'],
                         data_prefix=str(tmp_path), pipeline=pipeline)
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        ds[0]
    with pytest.raises(FileNotFoundError, match='1 listed image file'):
        ListFileDataset(str(tmp_path / 'l.txt'), classes=['a'],
                        data_prefix=str(tmp_path), check_images=True)


def test_hill_list_shared(shared_data):
    names, labels = read_list_file(
        osp.join(shared_data, 'robust_loss_mlml', 'coco_train_0.4left.txt'),
        80)
    assert len(names) == 82081
    assert sum(map(len, labels)) == 96251
    assert min(map(len, labels)) >= 1
    names, labels = read_list_file(
        osp.join(shared_data, 'robust_loss_mlml',
                 'coco_train_singlelabel.txt'), 80)
    assert len(names) == 82081 and all(len(ids) == 1 for ids in labels)


# ---------------------------------------------------------------------- COCO
def test_coco_contiguous_sorted_ids_and_rules(tmp_path):
    path = write_coco(tmp_path / 'i.json', {
        10: [7, 1],
        11: [(3, [0, 0, 0.5, 4])],     # w < 1: dropped by the db rule only
        12: [],                        # unannotated
    })
    names, classes, labels, info = coco_labels(path)
    assert classes == ('one', 'three', 'seven')   # ids 1, 3, 7
    assert names == ['000000000010.jpg', '000000000011.jpg']
    np.testing.assert_array_equal(labels, [[1, 0, 1], [0, 1, 0]])
    assert info['skipped_unannotated'] == 1
    names, _, labels, info = coco_labels(path, 'db', keep_unannotated=True)
    np.testing.assert_array_equal(labels, [[1, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert info['excluded_annotations'] == 1 and len(names) == 3


def test_coco_bad_input(tmp_path):
    path = write_coco(tmp_path / 'i.json', {1: [1]}, anns_extra=[dict(
        id=99, image_id=1, category_id=5, bbox=[0, 0, 2, 2], area=4)])
    with pytest.raises(AnnotationError, match='annotation 99 has category_id'
                       ' 5, which is not in "categories"'):
        coco_labels(path)
    data = json.loads((tmp_path / 'i.json').read_text())
    data['annotations'] = data['annotations'][:1]
    data['images'].append(dict(data['images'][0]))
    (tmp_path / 'i.json').write_text(json.dumps(data))
    with pytest.raises(AnnotationError, match='image id 1 is listed twice'):
        coco_labels(path)


def test_coco_dataset_cached(tmp_path):
    path = write_coco(tmp_path / 'i.json', {1: [1, 3], 2: [7]})
    ds = COCOMultiLabel(path, cache=True, cache_dir=str(tmp_path / 'c'))
    assert ds.metainfo['classes'] == ('one', 'three', 'seven')
    np.testing.assert_array_equal(ds.label_store.observed(),
                                  [[1, 1, 0], [0, 0, 1]])
    assert len(list((tmp_path / 'c').glob('*.npz'))) == 1
    ds2 = COCOMultiLabel(path, cache=True, cache_dir=str(tmp_path / 'c'))
    np.testing.assert_array_equal(ds2.label_store.observed(),
                                  ds.label_store.observed())


# ----------------------------------------------------------------------- VOC
VOC_OBJECTS = {
    '2007_000001': [('dog', 0), ('person', 1)],   # person difficult only
    '2007_000002': [('person', 0), ('person', 1), ('cat', 1)],
}


@pytest.mark.parametrize('mode,person0,cat1', [
    ('negative', 0, 0), ('positive', 1, 1), ('unknown', -1, -1)])
def test_voc_difficult_modes(tmp_path, mode, person0, cat1):
    root = write_voc(tmp_path / 'VOC2007', 'test', VOC_OBJECTS)
    names, labels, info = voc_xml_labels(root, 'test', mode)
    assert names == ['JPEGImages/2007_000001.jpg',
                     'JPEGImages/2007_000002.jpg']
    assert labels[0, 11] == 1 and labels[1, 14] == 1      # dog, person
    assert labels[0, 14] == person0 and labels[1, 7] == cat1
    assert info['difficult_only_entries'] == 2
    assert labels.sum() == 2 + 2 * person0


def test_voc_flags_and_dataset(tmp_path):
    root = write_voc(tmp_path / 'VOC2007', 'test', VOC_OBJECTS)
    _, flags = voc_flag_labels(root, 'test')
    _, xml, _ = voc_xml_labels(root, 'test', 'negative')
    np.testing.assert_array_equal(flags, xml)      # COMIC = difficult skipped
    ds = VOCMultiLabel('ImageSets/Main/test.txt', data_root=root,
                       difficult='unknown')
    assert ds.metainfo['classes'][0] == 'aeroplane'
    assert ds.label_store.observed()[0, 14] == -1
    assert ds.get_data_info(0)['img_path'] == osp.join(
        root, 'JPEGImages/2007_000001.jpg')


# ------------------------------------------------------------- split files
SPLIT = dict(head=[0], middle=[1], tail=[2])


@pytest.mark.parametrize('id_file', ['img_id.txt', 'img_id.pkl'])
def test_db_folder_fixture(tmp_path, id_file):
    labels = [[1, 0, 1], [1, 1, 0]]
    folder = write_db_folder(tmp_path / 'db', ['a', 'b'], labels, SPLIT,
                             id_file=id_file, noise=(0.5, [[0, 1, 1],
                                                           [1, 1, 0]]))
    data = read_db_folder(folder)
    assert data['img_ids'] == ['a', 'b']
    np.testing.assert_array_equal(data['labels'], labels)
    assert data['clean'] is None and data['label_key'] == 'gt_labels'
    assert data['class_split'] == dict(many=[0], medium=[1], few=[2])
    noisy = read_db_folder(folder, 'class_freq_0.5noise.pkl')
    np.testing.assert_array_equal(noisy['labels'], [[0, 1, 1], [1, 1, 0]])
    np.testing.assert_array_equal(noisy['clean'], labels)


def test_db_folder_length_mismatch(tmp_path):
    folder = write_db_folder(tmp_path / 'db', ['a', 'b', 'c'],
                             [[1, 0, 1], [1, 1, 0]], SPLIT)
    with pytest.raises(AnnotationError, match='lists 3 images but .* holds 2'):
        read_db_folder(folder)
    (tmp_path / 'ids.txt').write_text('a\nb\na\n')
    with pytest.raises(AnnotationError, match='line 3: image id "a" is '
                       'listed twice'):
        read_id_list(str(tmp_path / 'ids.txt'))


def test_comic_fixture(tmp_path):
    (tmp_path / 'class.txt').write_text("{'b': 3, 'a': 120}")
    (tmp_path / 'distribution.txt').write_text('junk line\n5,3,1\n')
    (tmp_path / 'img_id.txt').write_text('x\ny\n')
    np.save(tmp_path / 'co-occurrence.npy', np.eye(3), allow_pickle=False)
    (tmp_path / 'LT_train.json').write_text(json.dumps(
        {'x.jpg': [1, 0, 0], 'y.jpg': [0, 1, 1]}))
    assert read_class_dict(str(tmp_path / 'class.txt')) == {'b': 3, 'a': 120}
    np.testing.assert_array_equal(
        read_distribution(str(tmp_path / 'distribution.txt')), [5, 3, 1])
    data = read_comic_folder(str(tmp_path))
    assert data['img_ids'] == ['x', 'y'] and data['class_split'] is None
    assert data['cooccurrence'].shape == (3, 3)
    names, labels = read_comic_json(str(tmp_path / 'LT_train.json'), 3)
    assert names == ['x.jpg', 'y.jpg'] and labels.sum() == 3
    (tmp_path / 'dup.json').write_text('{"x.jpg": [1, 0, 0], "y.jpg": '
                                       '[0, 1, 0], "x.jpg": [0, 0, 1]}')
    with pytest.raises(AnnotationError, match='"x.jpg" is listed twice'):
        read_comic_json(str(tmp_path / 'dup.json'))
    (tmp_path / 'bad.json').write_text(json.dumps({'x.jpg': [1, 2, 0]}))
    with pytest.raises(AnnotationError, match='values in {0, 1}'):
        read_comic_json(str(tmp_path / 'bad.json'))
    (tmp_path / 'class.txt').write_text("{'b': 3, 'a': __import__('os')}")
    with pytest.raises(AnnotationError, match='not a Python dict literal'):
        read_class_dict(str(tmp_path / 'class.txt'))


def test_shared_split_files(shared_data):
    db = read_db_folder(osp.join(shared_data, 'db_loss_voc_mlt'))
    assert len(db['img_ids']) == 1142 and db['labels'].shape == (1142, 20)
    assert db['labels'].sum(0).max() == 775 and db['labels'].sum(0)[14] == 775
    assert {k: len(v) for k, v in db['class_split'].items()} == dict(
        many=6, medium=6, few=8)
    assert db['class_split']['many'] == [4, 6, 8, 10, 14, 15]
    comic = read_comic_folder(osp.join(shared_data, 'comic_plt_voc'))
    assert len(comic['img_ids']) == 2830
    assert comic['class_counts']['person'] == 1661
    assert {k: len(v) for k, v in comic['class_split'].items()} == dict(
        many=10, medium=7, few=3)
