"""MLCDataset: the standard annotation file, labels and bad input."""
import json

import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope

from mlc.datasets import AnnotationError, MLCDataset
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def write(path, data_list, classes=('a', 'b', 'c'), unlisted=-1):
    path.write_text(json.dumps(dict(
        metainfo=dict(classes=list(classes), unlisted=unlisted),
        data_list=data_list)))
    return str(path)


def test_dense_labels_and_clean_kept_apart(tmp_path):
    ann = write(tmp_path / 'a.json', [
        dict(img_path='x.png', pos=[0], neg=[2], clean_pos=[0, 1]),
        dict(img_path='y.png', pos=[1, 2], neg=[], clean_pos=[1, 2]),
    ])
    ds = MLCDataset(ann_file=ann, data_prefix=str(tmp_path))
    info = ds.get_data_info(0)
    np.testing.assert_array_equal(info['gt_score'], [1, -1, 0])
    np.testing.assert_array_equal(info['gt_clean'], [1, 1, 0])
    np.testing.assert_array_equal(info['gt_label'], [0])
    assert info['sample_idx'] == 0
    assert info['img_path'] == str(tmp_path / 'x.png')
    assert ds.metainfo['classes'] == ('a', 'b', 'c')
    assert ds.metainfo['class_freq'] == [1, 1, 1]
    assert ds.get_cat_ids(1) == [1, 2]
    # unlisted override
    ds0 = MLCDataset(ann_file=ann, unlisted=0)
    np.testing.assert_array_equal(ds0.get_data_info(0)['gt_score'], [1, 0, 0])


def test_indices_subset_keeps_labels_aligned(tmp_path):
    entries = [dict(img_path=f'{i}.png', pos=[i % 3]) for i in range(6)]
    ann = write(tmp_path / 'a.json', entries)
    ds = MLCDataset(ann_file=ann, indices=[4, 5])
    assert len(ds) == 2
    assert ds.get_cat_ids(0) == [1] and ds.get_cat_ids(1) == [2]
    assert ds.get_data_info(0)['img_path'].endswith('4.png')


@pytest.mark.parametrize('entry,match', [
    (dict(img_path='x.png', pos=[3]), r'data_list\[1\].*"pos" holds 3'),
    (dict(img_path='x.png', pos=[-1]), r'"pos" holds -1'),
    (dict(img_path='x.png', pos=[0], neg=[0]), 'both "pos" and "neg"'),
    (dict(img_path='a.png', pos=[0]), 'listed twice'),
    (dict(img_path='x.png', pos=0), 'must be a list'),
])
def test_bad_entries_name_file_and_entry(tmp_path, entry, match):
    ann = write(tmp_path / 'bad.json', [dict(img_path='a.png', pos=[1]),
                                        entry])
    with pytest.raises(AnnotationError, match=match) as info:
        MLCDataset(ann_file=ann)
    assert 'bad.json' in str(info.value)


def test_malformed_json_names_line(tmp_path):
    path = tmp_path / 'broken.json'
    path.write_text('{"metainfo": {"classes": ["a"]},\n "data_list": [,]}')
    with pytest.raises(AnnotationError, match=r'broken.json: line 2'):
        MLCDataset(ann_file=str(path))


def test_missing_data_root_and_images(tmp_path):
    with pytest.raises(FileNotFoundError, match='data_root "/nonexistent'):
        MLCDataset(ann_file='a.json', data_root='/nonexistent/root')
    ann = write(tmp_path / 'a.json', [dict(img_path='gone.png', pos=[0])])
    with pytest.raises(FileNotFoundError, match='gone.png'):
        MLCDataset(ann_file=ann, data_prefix=str(tmp_path), check_images=True)
    ds = MLCDataset(ann_file=ann, data_prefix=str(tmp_path),
                    pipeline=[dict(type='LoadImageFromFile')])
    with pytest.raises(FileNotFoundError):
        ds[0]


def test_class_split_validated(tmp_path):
    ann = write(tmp_path / 'a.json', [dict(img_path='x.png', pos=[0])])
    ds = MLCDataset(ann_file=ann, class_split=dict(head=[0], middle=[1],
                                                   tail=[2]))
    assert ds.metainfo['class_split'] == dict(many=[0], medium=[1], few=[2])
    with pytest.raises(ValueError, match='appears twice'):
        MLCDataset(ann_file=ann,
                   class_split=dict(many=[0], medium=[0], few=[2]))


def test_unknowns_reach_the_loss_as_minus_one(tiny_data):
    """Dataset -> PackInputs -> data preprocessor -> head -> loss."""
    init_default_scope('mlc')
    ds = MLCDataset(ann_file='train.json', data_root=tiny_data,
                    data_prefix='images',
                    pipeline=[dict(type='LoadImageFromFile'),
                              dict(type='PackInputs',
                                   algorithm_keys=('gt_clean', ))])
    expected = torch.from_numpy(ds.label_store.observed()[:4]).float()
    assert (expected == -1).any()
    preprocessor = MODELS.build(dict(type='MLCDataPreprocessor'))
    batch = preprocessor(dict(inputs=[ds[i]['inputs'] for i in range(4)],
                              data_samples=[ds[i]['data_samples']
                                            for i in range(4)]), True)
    seen = {}

    class Spy(torch.nn.Module):
        def forward(self, score, target, **kwargs):
            seen['target'] = target
            return score.sum() * 0

    head = MODELS.build(dict(type='MLCLinearHead', num_classes=4,
                             in_channels=3))
    head.loss_module = Spy()
    head.loss((batch['inputs'].mean((2, 3)), ), batch['data_samples'])
    torch.testing.assert_close(seen['target'], expected)


def test_preprocessor_refuses_batch_mixing():
    with pytest.raises(ValueError, match='unknown'):
        MODELS.build(dict(type='MLCDataPreprocessor',
                          batch_augments=dict(augments=[])))
