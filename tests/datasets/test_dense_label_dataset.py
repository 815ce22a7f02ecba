"""The load skeleton shared by MLCDataset and PLLDataset: labels follow
their samples through mmengine's ``filter_data`` and ``indices``."""
import json

import numpy as np
import pytest

from mlc.datasets import MLCDataset, PLLDataset
from mlc.datasets.dense_label_dataset import DenseLabelDataset


def write(path, task, data_list):
    meta = dict(classes=['a', 'b', 'c', 'd'], task=task, unlisted=0)
    path.write_text(json.dumps(dict(metainfo=meta, data_list=data_list)))
    return str(path)


class OddMLC(MLCDataset):
    """Keeps the odd images only (a ``filter_data`` override)."""

    def filter_data(self):
        return [d for d in self.data_list if d['img_index'] % 2]


class OddPLL(PLLDataset):

    def filter_data(self):
        return [d for d in self.data_list if d['img_index'] % 2]


def test_labels_follow_filter_and_indices(tmp_path):
    mlc_ann = write(tmp_path / 'm.json', 'multilabel',
                    [dict(img_index=i, pos=[i % 4]) for i in range(8)])
    pll_ann = write(tmp_path / 'p.json', 'pll',
                    [dict(img_index=i, candidates=[i % 4], gt_label=i % 4)
                     for i in range(8)])
    # odd images 1, 3, 5, 7 -> indices [1, 3] keep images 3 and 7
    mlc = OddMLC(mlc_ann, indices=[1, 3], class_split=dict(
        many=[0], medium=[1, 2], few=[3]), lazy_init=False)
    pll = OddPLL(pll_ann, indices=[1, 3], lazy_init=False)
    for ds in (mlc, pll):
        assert isinstance(ds, DenseLabelDataset)
        assert not hasattr(ds, '_loaded_labels')
        assert [ds.get_data_info(i)['img_index'] for i in range(2)] == [3, 7]
        assert [ds.get_cat_ids(i) for i in range(2)] == [[3], [3]]
    assert mlc.metainfo['class_freq'] == [0, 0, 0, 2]
    assert mlc.metainfo['class_split']['few'] == [3]
    np.testing.assert_array_equal(pll.gt_labels, [3, 3])
    assert pll.metainfo['class_freq_true'] == [0, 0, 0, 2]


@pytest.mark.parametrize('cls', [MLCDataset, PLLDataset])
def test_missing_data_root_is_one_line(tmp_path, cls):
    with pytest.raises(FileNotFoundError, match='data_root .* does not exist'):
        cls('a.json', data_root=str(tmp_path / 'nowhere'))
