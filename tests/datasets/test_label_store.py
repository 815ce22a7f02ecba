"""LabelStore: shared, updatable per-sample labels."""
import numpy as np
import pytest
import torch

from mlc.datasets import LabelStore


def test_get_update_and_last_writer_wins():
    store = LabelStore(np.array([[1, 0, -1], [-1, -1, 1]]),
                       clean=np.array([[1, 0, 1], [0, 1, 1]]))
    np.testing.assert_array_equal(store.get(0), [1., 0., -1.])
    assert store.get(0).dtype == np.float32
    store.update([1, 0, 1], [[1, 1, 1], [0, 0, 0], [1, 0, 1]])
    np.testing.assert_array_equal(store.observed(),
                                  [[0, 0, 0], [1, 0, 1]])
    np.testing.assert_array_equal(store.initial(), [[1, 0, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(store.get_clean(1), [0, 1, 1])


def test_rejects_bad_states_and_indices():
    with pytest.raises(ValueError, match=r'entry \(0, 1\) is 2'):
        LabelStore(np.array([[1, 2]]))
    store = LabelStore(np.zeros((2, 2)))
    with pytest.raises(ValueError, match='not one of'):
        store.update([0], [[0.5, 1]])
    with pytest.raises(IndexError):
        store.update([2], [[1, 1]])


def test_state_dict_round_trip():
    store = LabelStore(np.zeros((3, 2)))
    store.update([2], [[1, -1]])
    other = LabelStore(np.zeros((3, 2)))
    other.load_state_dict(store.state_dict())
    np.testing.assert_array_equal(other.observed(), store.observed())
    with pytest.raises(ValueError, match='does not fit'):
        LabelStore(np.zeros((4, 2))).load_state_dict(store.state_dict())


def test_updates_visible_in_forked_worker():
    store = LabelStore(np.zeros((4, 2)))

    class Reader(torch.utils.data.Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return torch.from_numpy(store.get(i))

    loader = torch.utils.data.DataLoader(
        Reader(), batch_size=4, num_workers=1, persistent_workers=True,
        multiprocessing_context='fork')
    first = next(iter(loader))
    store.update([3], [[1, -1]])
    second = next(iter(loader))
    assert first[3].tolist() == [0., 0.]
    assert second[3].tolist() == [1., -1.]
