"""Malformed annotation files fail with one line naming file, entry (or line)
and key, never a traceback or silently wrong labels."""
import json

import numpy as np
import pytest
from real_format_fixtures import write_coco

from mlc.datasets import AnnotationError, ListFileDataset, MLCDataset
from mlc.datasets.pll_dataset import PLLDataset
from mlc.datasets.readers import (
    ListFileError,
    coco_labels,
    read_list_file,
    resolve_classes,
)


def write(path, data_list, classes=('a', 'b', 'c'), **meta):
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=classes, unlisted=-1, **meta),
        data_list=data_list)))
    return str(path)


def good(i):
    return dict(img_path=f'{i}.png', pos=[i % 3])


@pytest.mark.parametrize('key,value,shown', [
    ('pos', [[1]], r'\[1\]'),                 # nested list: was broadcast
    ('pos', [True], 'True'),                  # bool: was class 1
    ('pos', [2, True], 'True'),
    ('neg', [False], 'False'),
    ('pos', ['1'], "'1'"),                    # str: was data_list[0]
    ('pos', [1.0], '1.0'),                    # float: was an IndexError
    ('pos', [0, 2.5], '2.5'),
    ('pos', [None], 'None'),
    ('clean_pos', [{'a': 1}], r"\{'a': 1\}"),
    ('pos', [2 ** 70], str(2 ** 70)),
    ('pos', [3], '3'),
    ('neg', [-1], '-1'),
])
def test_bad_ids_name_entry_key_and_value(tmp_path, key, value, shown):
    entries = [dict(good(i), clean_pos=[i % 3]) for i in range(8)]
    entries[5][key] = value
    ann = write(tmp_path / 'bad.json', entries)
    with pytest.raises(AnnotationError) as info:
        MLCDataset(ann_file=ann)
    msg = str(info.value)
    assert '\n' not in msg
    assert 'bad.json' in msg and 'data_list[5]' in msg and f'"{key}"' in msg
    assert __import__('re').search(shown, msg), msg


@pytest.mark.parametrize('meta,data_list,match', [
    (dict(classes=10), [good(0)], r'"classes" must be a list of class-name'
     r' strings, got int'),
    (dict(classes=['a', 'b', 'a']), [good(0)],
     r'"classes" names "a" twice \(classes\[0\] and classes\[2\]\)'),
    (dict(classes=['a', 1, 'c']), [good(0)], r'classes\[1\] is 1, not a'),
    (dict(classes=[]), [good(0)], r'"classes" is empty'),
    (dict(classes=['a', 'b', 'c'], unlisted=False), [good(0)],
     r'"unlisted" must be -1 or 0, got False'),
    (dict(classes=['a', 'b', 'c']), [], r'"data_list" is empty'),
    (dict(classes=['a', 'b', 'c']), {'x': 1}, r'"data_list" must be a list'),
    (dict(classes=['a', 'b', 'c']), [good(0), 7],
     r'data_list\[1\] must be an object.*got int'),
    (dict(classes=['a', 'b', 'c']), [good(0), None],
     r'data_list\[1\] must be an object.*got null'),
    (dict(classes=['a', 'b', 'c']), [good(0), dict(img_path=3, pos=[0])],
     r'data_list\[1\]: "img_path" must be a non-empty string, got 3'),
    (dict(classes=['a', 'b', 'c']), [good(0), dict(img_index=1.5, pos=[0])],
     r'data_list\[1\]: "img_index" must be an integer >= 0, got 1.5'),
    (dict(classes=['a', 'b', 'c']), [good(0), dict(img_index=True, pos=[0])],
     r'"img_index" must be an integer >= 0, got True'),
])
def test_bad_structure_one_line(tmp_path, meta, data_list, match):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(dict(metainfo=meta, data_list=data_list)))
    with pytest.raises(AnnotationError, match=match) as info:
        MLCDataset(ann_file=str(path))
    assert str(info.value).startswith(str(path)) and '\n' not in str(
        info.value)


def test_metainfo_must_be_an_object(tmp_path):
    path = tmp_path / 'bad.json'
    path.write_text(json.dumps(dict(metainfo=[], data_list=[good(0)])))
    with pytest.raises(AnnotationError, match=r'"metainfo" must be an '
                       'object'):
        MLCDataset(ann_file=str(path))


def test_annotation_bom_accepted_and_bad_bytes_named(tmp_path):
    path = tmp_path / 'bom.json'
    text = json.dumps(dict(metainfo=dict(classes=['a']),
                           data_list=[dict(img_path='x.png', pos=[0])]))
    path.write_bytes(b'\xef\xbb\xbf' + text.encode())
    assert len(MLCDataset(ann_file=str(path))) == 1
    text = json.dumps(json.loads(text), indent=1)     # x.png on line 9
    path.write_bytes(text.encode().replace(b'x.png', b'\xff.png'))
    with pytest.raises(AnnotationError, match=r'bom.json, line 9: not '
                       r'UTF-8 text \(byte 0xff\)'):
        MLCDataset(ann_file=str(path))


def test_valid_ids_still_dense(tmp_path):
    ann = write(tmp_path / 'ok.json', [
        dict(img_path='x.png', pos=[0, 2], neg=[1]),
        dict(img_path='y.png', pos=[], neg=[]),
        dict(img_index=4, pos=[1])])
    ds = MLCDataset(ann_file=ann)
    np.testing.assert_array_equal(ds.label_store.observed(),
                                  [[1, 0, 1], [-1, -1, -1], [-1, 1, -1]])


@pytest.mark.parametrize('cand,match', [
    ([[1]], r'data_list\[1\] \("y.png"\): "candidates" holds \[1\]'),
    ([True, 2], r'data_list\[1\] \("y.png"\): "candidates" holds True'),
    ([1.0], r'"candidates" holds 1.0'),
])
def test_pll_candidates_validated(tmp_path, cand, match):
    path = tmp_path / 'pll.json'
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=['a', 'b', 'c'], task='pll'),
        data_list=[dict(img_path='x.png', candidates=[0, 1], gt_label=0),
                   dict(img_path='y.png', candidates=cand, gt_label=1)])))
    with pytest.raises(AnnotationError, match=match):
        PLLDataset(ann_file=str(path))


def test_pll_bool_gt_label_refused(tmp_path):
    path = tmp_path / 'pll.json'
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=['a', 'b', 'c'], task='pll'),
        data_list=[dict(img_path='x.png', candidates=[0, 1], gt_label=True)])))
    with pytest.raises(AnnotationError, match=r'data_list\[0\]: "gt_label" '
                       'must be a class id in \\[0, 3\\), got True'):
        PLLDataset(ann_file=str(path))


# ---------------------------------------------------------------- list files
def test_list_file_bom_stripped(tmp_path):
    path = tmp_path / 'l.txt'
    path.write_bytes(b'\xef\xbb\xbfa.jpg,0\nb.jpg,1\n')
    names, labels = read_list_file(str(path), 3)
    assert names == ['a.jpg', 'b.jpg'] and labels == [[0], [1]]
    ds = ListFileDataset(str(path), classes=['x', 'y', 'z'])
    assert ds.get_data_info(0)['img_path'] == 'a.jpg'


def test_list_file_non_utf8_names_line(tmp_path):
    path = tmp_path / 'l.txt'
    path.write_bytes(b'a.jpg,0\nb.jpg,1\n\xe9t\xe9.jpg,2\n')
    with pytest.raises(ListFileError, match=r'l\.txt, line 3: not UTF-8 '
                       r'text \(byte 0xe9\)'):
        read_list_file(str(path), 3)


def test_class_file_bom_duplicates_and_bytes(tmp_path):
    path = tmp_path / 'classes.txt'
    path.write_bytes(b'\xef\xbb\xbfcat\ndog\n')
    assert resolve_classes(str(path)) == ('cat', 'dog')
    path.write_bytes(b'cat\ndog\ncat\n')
    with pytest.raises(AnnotationError, match=r'classes.txt: "cat" is '
                       r'listed twice \(lines 1 and 3\)'):
        resolve_classes(str(path))
    path.write_bytes(b'cat\n\xffdog\n')
    with pytest.raises(AnnotationError, match=r'classes.txt, line 2: not '
                       'UTF-8'):
        resolve_classes(str(path))
    with pytest.raises(ValueError, match=r'class names must be unique: "a" '
                       r'is given twice'):
        resolve_classes(['a', 'b', 'a'])


# ---------------------------------------------------------------------- COCO
def coco_dict(tmp_path, **change):
    path = write_coco(tmp_path / 'inst.json', {1: [1, 3], 2: [7]})
    data = json.loads((tmp_path / 'inst.json').read_text())
    data.update(change)
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    return path, data


@pytest.mark.parametrize('extra,match', [
    (dict(id=3, name='drei'),
     r'inst.json: categories\[3\] repeats category id 3 \(categories\[2\]\)'),
    (dict(id=9, name='one'),
     r'categories\[3\] \(id 9\) repeats the name "one"'),
])
def test_coco_duplicate_category_refused(tmp_path, extra, match):
    path, data = coco_dict(tmp_path)
    data['categories'].append(extra)
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    with pytest.raises(AnnotationError, match=match):
        coco_labels(path)


@pytest.mark.parametrize('content,match', [
    ({}, r'no "images" list \(not a COCO instances file\?\)'),
    ({'images': [], 'annotations': [], 'categories': [dict(id=1, name='a')]},
     r'"images" is empty'),
    ({'images': [dict(id=1, file_name='a.jpg')], 'annotations': []},
     r'no "categories" list'),
    ([1, 2], r'expected a JSON object'),
])
def test_coco_empty_or_foreign_file_refused(tmp_path, content, match):
    path = tmp_path / 'inst.json'
    path.write_text(json.dumps(content))
    with pytest.raises(AnnotationError, match=match) as info:
        coco_labels(str(path))
    assert str(info.value).startswith(str(path))


def test_coco_nothing_annotated_refused(tmp_path):
    path = write_coco(tmp_path / 'inst.json', {1: [], 2: []})
    with pytest.raises(AnnotationError, match=r'no image has an annotation'):
        coco_labels(path)
    assert len(coco_labels(path, keep_unannotated=True)[0]) == 2


@pytest.mark.parametrize('where,key,match', [
    ('images', 'file_name', r'images\[1\] \(id 2\) has no "file_name"'),
    ('images', 'id', r'images\[1\] has no "id"'),
    ('annotations', 'category_id',
     r'annotations\[1\] \(id 2\) has no "category_id"'),
    ('annotations', 'image_id',
     r'annotations\[1\] \(id 2\) has no "image_id"'),
    ('categories', 'name', r'categories\[1\] \(id 1\) has no "name"'),
    ('categories', 'id', r'categories\[1\] has no "id"'),
])
def test_coco_missing_keys_named(tmp_path, where, key, match):
    path, data = coco_dict(tmp_path)
    del data[where][1][key]
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    with pytest.raises(AnnotationError, match=match) as info:
        coco_labels(path)
    assert str(info.value).startswith(path)


def test_coco_missing_bbox_named_for_db_rule(tmp_path):
    path, data = coco_dict(tmp_path)
    del data['annotations'][2]['bbox']
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    assert coco_labels(path)[2].sum() == 3        # 'any' does not need it
    with pytest.raises(AnnotationError, match=r'inst.json: annotations\[2\] '
                       r'\(id 3\) has no "bbox"'):
        coco_labels(path, 'db')


def test_coco_non_object_entry_named(tmp_path):
    path, data = coco_dict(tmp_path)
    data['annotations'][1] = None
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    with pytest.raises(AnnotationError, match=r'annotations\[1\] must be an '
                       'object, got null'):
        coco_labels(path)


def test_coco_converter_refuses_empty_and_duplicate_ids(tmp_path):
    import runpy
    import sys

    from conftest import ROOT
    tool = f'{ROOT}/tools/dataset_converters/make_coco_multilabel.py'
    out = tmp_path / 'out.json'

    def convert(src):
        argv, path = sys.argv, list(sys.path)
        sys.argv = [tool, str(src), str(out), '--year', '2017']
        sys.path.insert(0, f'{ROOT}/tools/dataset_converters')
        try:
            runpy.run_path(tool, run_name='__main__')
        finally:
            sys.argv, sys.path[:] = argv, path

    (tmp_path / 'empty.json').write_text('{}')
    # one line naming the file (the converter's run_converter)
    with pytest.raises(SystemExit, match=r'empty.json: no "images"'):
        convert(tmp_path / 'empty.json')
    path, data = coco_dict(tmp_path)
    data['categories'].append(dict(id=1, name='uno'))
    (tmp_path / 'inst.json').write_text(json.dumps(data))
    with pytest.raises(SystemExit, match=r'repeats category id 1'):
        convert(path)
    assert not out.exists()
