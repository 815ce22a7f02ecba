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


def _long1(value: int) -> bytes:
    """Pickle opcode LONG1 pushing ``value`` (a positive int)."""
    raw = value.to_bytes(value.bit_length() // 8 + 1, 'little')
    return b'\x8a' + bytes([len(raw)]) + raw


HUGE = 93 * 10**9  # 93 GB


@pytest.mark.parametrize('payload', [
    # bytes(93e9)
    b'\x80\x02c__builtin__\nbytes\n' + _long1(HUGE) + b'\x85R.',
    # bytearray(93e9)
    b'\x80\x02c__builtin__\nbytearray\n' + _long1(HUGE) + b'\x85R.',
    # numpy.core.multiarray._reconstruct(ndarray, (93e9,), 'b')
    b'\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n'
    + _long1(HUGE) + b'\x85U\x01b\x87R.',
    # numpy.ndarray((93e9,), 'b')
    b'\x80\x02cnumpy\nndarray\n' + _long1(HUGE) + b'\x85U\x01b\x86R.',
], ids=['bytes', 'bytearray', 'reconstruct', 'ndarray'])
def test_tiny_pickle_cannot_request_huge_allocation(tmp_path, payload):
    assert len(payload) < 70
    path = tmp_path / 'split.pkl'
    path.write_bytes(payload)
    with pytest.raises(UnsafePickleError,
                       match=r'split\.pkl.*93000000000 bytes.*'
                       r'MLC_PICKLE_MAX_BYTES') as info:
        safe_load_pickle(str(path))
    assert '\n' not in str(info.value)


def test_object_array_state_with_huge_shape_is_refused(tmp_path):
    # an object array's state: numpy allocates the shape before it checks
    # the list of items against it
    data = pickle.dumps(np.array([1, None], dtype=object), protocol=2)
    shape = b'K\x02\x85'  # the shape tuple (2,)
    assert data.count(shape) == 1
    path = tmp_path / 'obj.pkl'
    path.write_bytes(data.replace(shape, _long1(10**10) + b'\x85'))
    with pytest.raises(UnsafePickleError, match=r'obj\.pkl.*80000000000'):
        safe_load_pickle(str(path))


def test_newobj_cannot_bypass_the_checks():
    # numpy.ndarray.__new__(numpy.ndarray, (93e9,)) through NEWOBJ
    payload = b'\x80\x02cnumpy\nndarray\n' + _long1(HUGE) + b'\x85\x85\x81.'
    with pytest.raises(UnsafePickleError, match='NEWOBJ'):
        safe_load_pickle(payload)


def test_memory_budget_is_cumulative_and_overridable(tmp_path, monkeypatch):
    # three 800-byte arrays, each built from an 800-byte bytes object
    data = pickle.dumps([np.zeros(100), np.ones(100), np.full(100, 2.)],
                        protocol=2)
    with pytest.raises(UnsafePickleError, match='at most 2000 bytes'):
        safe_load_pickle(data, max_bytes=2000)
    assert len(safe_load_pickle(data, max_bytes=6000)) == 3
    monkeypatch.setenv('MLC_PICKLE_MAX_BYTES', '2000')
    with pytest.raises(UnsafePickleError, match='at most 2000 bytes'):
        safe_load_pickle(data)
    monkeypatch.setenv('MLC_PICKLE_MAX_BYTES', 'lots')
    with pytest.raises(ValueError, match='MLC_PICKLE_MAX_BYTES'):
        safe_load_pickle(data)


def test_copies_of_a_memoised_list_count_against_the_budget():
    # one 1000-item list, then list() of it 100 times via the memo
    body = b'\x80\x02]q\x00(' + b'K\x01' * 1000 + b'e'
    body += b'(' + b'c__builtin__\nlist\nh\x00\x85R' * 100 + b'l.'
    with pytest.raises(UnsafePickleError, match='list'):
        safe_load_pickle(body, max_bytes=10**6)
    assert len(safe_load_pickle(body, max_bytes=10**8)) == 100
