"""Restricted unpickler of the published split files."""
import os
import os.path as osp
import pickle

import numpy as np
import pytest

from mlc.datasets.readers import UnsafePickleError, safe_load_pickle


class Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


class GetattrEvil:
    def __reduce__(self):
        return (getattr, (str, 'join'))


def test_db_style_pickle_roundtrip(tmp_path):
    # protocol 2 as written by the DB code: arrays, int64 scalars in sets
    data = dict(gt_labels=[np.array([0, 1, 1]), np.array([1, 0, 0])],
                class_freq=np.array([1, 1, 1]),
                split=dict(head={np.int64(0)},
                           tail={np.int64(1), np.int64(2)}),
                name=b'\x00\xff bytes', frozen=frozenset([1]))
    path = tmp_path / 'a.pkl'
    path.write_bytes(pickle.dumps(data, protocol=2))
    out = safe_load_pickle(str(path))
    np.testing.assert_array_equal(out['gt_labels'][1], [1, 0, 0])
    assert out['split']['tail'] == {1, 2}
    assert out['name'] == b'\x00\xff bytes'
    assert out['frozen'] == frozenset([1])


def test_python2_protocol0_pickle_latin1():
    # hand-written Python-2 pickle: {'a': set(['x']), 'b': '\xe9'}
    py2 = (b"(dp0\nS'a'\np1\nc__builtin__\nset\np2\n((lp3\nS'x'\np4\n"
           b"atp5\nRp6\nsS'b'\np7\nS'\\xe9'\np8\ns.")
    out = safe_load_pickle(py2)
    assert out == {'a': {'x'}, 'b': '\xe9'}


@pytest.mark.parametrize('obj,name', [
    (Evil(), 'system'),
    (GetattrEvil(), 'getattr'),
    (np.random.default_rng(0), 'numpy.random'),
    (Evil, 'Evil'),
])
def test_other_globals_refused(tmp_path, obj, name):
    path = tmp_path / 'evil.pkl'
    path.write_bytes(pickle.dumps(obj, protocol=2))
    with pytest.raises(UnsafePickleError, match=f'evil.pkl.*{name}'):
        safe_load_pickle(str(path))


def test_codecs_encode_only_latin1():
    # _codecs.encode with another codec (e.g. rot13 / zlib) is refused
    bad = (b"\x80\x02c_codecs\nencode\nq\x00X\x03\x00\x00\x00abcq\x01"
           b"X\x05\x00\x00\x00rot13q\x02\x86q\x03Rq\x04.")
    with pytest.raises(UnsafePickleError, match='latin1'):
        safe_load_pickle(bad)


def test_real_split_pickles(shared_data):
    out = safe_load_pickle(osp.join(shared_data, 'db_loss_voc_mlt',
                                    'class_freq.pkl'))
    assert len(out['gt_labels']) == 1142
    assert out['condition_prob'].shape == (20, 20)
    np.testing.assert_array_equal(np.sum(out['gt_labels'], 0),
                                  out['class_freq'])
    split = safe_load_pickle(osp.join(shared_data, 'comic_plt_voc',
                                      'class_split.pkl'))
    assert [len(split[k]) for k in ('head', 'middle', 'tail')] == [10, 7, 3]
