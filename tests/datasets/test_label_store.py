"""LabelStore: read-only per-sample labels, found through wrappers."""
import types

import numpy as np
import pytest

from mlc.datasets import LabelStore
from mlc.datasets.label_store import find_label_store


def test_get_observed_and_clean():
    store = LabelStore(np.array([[1, 0, -1], [-1, -1, 1]]),
                       clean=np.array([[1, 0, 1], [0, 1, 1]]))
    np.testing.assert_array_equal(store.get(0), [1., 0., -1.])
    assert store.get(0).dtype == np.float32
    np.testing.assert_array_equal(store.observed(),
                                  [[1, 0, -1], [-1, -1, 1]])
    np.testing.assert_array_equal(store.get_clean(1), [0, 1, 1])
    assert store.num_samples == 2 and store.num_classes == 3


def test_is_read_only():
    store = LabelStore(np.zeros((2, 2)))
    assert not hasattr(store, 'update')
    copy = store.observed()
    copy[0, 0] = 1  # a copy: the store keeps the loaded labels
    np.testing.assert_array_equal(store.observed(), np.zeros((2, 2)))
    with pytest.raises(ValueError):
        store._observed[0, 0] = 1


def test_rejects_bad_states():
    with pytest.raises(ValueError, match=r'entry \(0, 1\) is 2'):
        LabelStore(np.array([[1, 2]]))
    with pytest.raises(ValueError, match=r'must be \(N, C\)'):
        LabelStore(np.zeros(3))


def test_found_through_dataset_wrappers():
    store = LabelStore(np.zeros((2, 2)))
    inner = types.SimpleNamespace(label_store=store)
    wrapper = types.SimpleNamespace(dataset=types.SimpleNamespace(
        dataset=inner))
    assert find_label_store(wrapper) is store
    assert find_label_store(types.SimpleNamespace()) is None
