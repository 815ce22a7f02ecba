"""Annotation cache: hits, invalidation, no pickle, MLCDataset integration."""
import json
import os
import zipfile

import numpy as np

from mlc.datasets import MLCDataset
from mlc.datasets.annotation_cache import (
    ParsedAnnotation,
    cache_key,
    cached_parse,
)


def parsed(n=3):
    return ParsedAnnotation(
        metainfo=dict(classes=['a', 'b'], source='s', provenance=[]),
        names=[f'img {i}.jpg' for i in range(n)],
        indices=np.full(n, -1, np.int64),
        observed=np.array([[1, -1], [0, 1], [-1, -1]][:n], np.int8),
        clean=np.array([[1, 1], [0, 1], [0, 0]][:n], np.int8))


def test_hit_returns_identical_and_no_reparse(tmp_path):
    src = tmp_path / 'a.json'
    src.write_text('x')
    calls = []

    def parse():
        calls.append(1)
        return parsed()

    first = cached_parse(str(src), parse, 'p', dict(u=1), str(tmp_path / 'c'))
    second = cached_parse(str(src), parse, 'p', dict(u=1),
                          str(tmp_path / 'c'))
    assert len(calls) == 1
    assert second.names == first.names and second.metainfo == first.metainfo
    np.testing.assert_array_equal(second.observed, first.observed)
    np.testing.assert_array_equal(second.clean, first.clean)
    # other params -> other key -> re-parse
    cached_parse(str(src), parse, 'p', dict(u=0), str(tmp_path / 'c'))
    assert len(calls) == 2
    # the file holds no pickled object
    (npz, ) = [p for p in (tmp_path / 'c').iterdir()
               if cache_key(str(src), 'p', dict(u=1))[:16] in p.name]
    with np.load(npz, allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files)
    assert zipfile.is_zipfile(npz)


def test_changed_source_invalidates(tmp_path):
    src = tmp_path / 'a.json'
    src.write_text('x')
    key = cache_key(str(src), 'p', {})
    src.write_text('xy')                       # size changes
    assert cache_key(str(src), 'p', {}) != key
    key = cache_key(str(src), 'p', {})
    st = os.stat(src)
    os.utime(src, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # mtime only
    assert cache_key(str(src), 'p', {}) != key


def test_mlc_dataset_uses_cache(tmp_path, monkeypatch):
    ann = tmp_path / 'ann.json'
    ann.write_text(json.dumps(dict(
        metainfo=dict(classes=['a', 'b'], unlisted=-1),
        data_list=[dict(img_path='x.png', pos=[0], neg=[1], clean_pos=[0]),
                   dict(img_index=4, pos=[1], clean_pos=[1])])))
    ds = MLCDataset(str(ann), cache=True)
    cache_files = list((tmp_path / '.mlc_cache').glob('ann.json.*.npz'))
    assert len(cache_files) == 1
    calls = []
    original = MLCDataset.parse_annotation
    monkeypatch.setattr(MLCDataset, 'parse_annotation',
                        lambda self: calls.append(1) or original(self))
    ds2 = MLCDataset(str(ann), cache=True)
    assert calls == []
    np.testing.assert_array_equal(ds2.label_store.observed(),
                                  ds.label_store.observed())
    assert ds2.get_data_info(1)['img_index'] == 4
    assert ds2.get_data_info(0)['img_path'] == 'x.png'
    # unlisted override is part of the key
    ds3 = MLCDataset(str(ann), cache=True, unlisted=0)
    assert calls == [1]
    np.testing.assert_array_equal(ds3.label_store.observed(),
                                  [[1, 0], [0, 1]])
    # 'auto' does not cache small files (parses); editing re-parses
    n_files = len(list((tmp_path / '.mlc_cache').iterdir()))
    MLCDataset(str(ann))
    assert calls == [1, 1]
    assert len(list((tmp_path / '.mlc_cache').iterdir())) == n_files
    ann.write_text(ann.read_text().replace('"pos": [1], "clean',
                                           '"pos": [0, 1], "clean'))
    ds4 = MLCDataset(str(ann), cache=True)
    assert calls == [1, 1, 1]
    np.testing.assert_array_equal(ds4.label_store.observed()[1], [1, 1])
