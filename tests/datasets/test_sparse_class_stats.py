"""Class statistics and class-aware sampling read the CSR of a sparse label
store in row chunks: equal to the dense computation, never densified."""
import types

import numpy as np
import pytest
import torch
import torch.nn as nn

from mlc.datasets import LabelStore, SparseLabelStore, sparse_labels
from mlc.datasets.samplers import ClassAwareSampler, positive_lists
from mlc.engine.hooks import ClassStatsHook
from mlc.models.utils import ClassStats


def digitmosaic_sized(seed=0, shape=(4096, 10)):
    """Observed labels of DigitMosaic's size (4,096 images, 10 classes)."""
    rng = np.random.default_rng(seed)
    return rng.choice([1, 0, -1, -1], size=shape).astype(np.int8)


class LabelsOnly:
    """A dataset with a label store and nothing else."""

    def __init__(self, store):
        self.label_store = store
        self.metainfo = dict(classes=[str(c)
                                      for c in range(store.num_classes)])

    def __len__(self):
        return self.label_store.num_samples


@pytest.fixture
def no_densify(monkeypatch):
    """Any (N, C) densify of a sparse store raises from here on."""
    monkeypatch.setattr(sparse_labels, 'MAX_DENSE_ENTRIES', 64)


@pytest.mark.parametrize('chunk_rows', [1 << 16, 1000, 7])
def test_class_stats_from_csr_equal_dense(no_densify, chunk_rows):
    observed = digitmosaic_sized()
    store = SparseLabelStore.from_dense(observed)
    stats = ClassStats.from_store(store, chunk_rows=chunk_rows)
    pos = (observed == 1).astype(np.int64)  # independent dense computation
    assert stats.num_samples == 4096 and stats.num_classes == 10
    assert stats.class_freq.dtype == torch.int64
    assert stats.class_freq.tolist() == pos.sum(0).tolist()
    assert stats.cooccurrence.tolist() == (pos.T @ pos).tolist()
    dense = ClassStats.from_store(LabelStore(observed), chunk_rows=999)
    assert torch.equal(dense.cooccurrence, stats.cooccurrence)
    assert torch.equal(ClassStats.from_labels(observed).cooccurrence,
                       stats.cooccurrence)


def test_cooccurrence_of_rows_with_many_and_no_positives():
    observed = np.array([[1, 1, 1, 1], [-1, -1, -1, -1], [0, 1, 0, 1],
                         [1, -1, -1, -1]], dtype=np.int8)
    stats = ClassStats.from_store(SparseLabelStore.from_dense(observed),
                                  chunk_rows=3)
    assert stats.cooccurrence.tolist() == [[2, 1, 1, 1], [1, 2, 1, 2],
                                           [1, 1, 1, 1], [1, 2, 1, 2]]


def test_class_stats_hook_on_a_store_it_cannot_densify(no_densify):
    observed = digitmosaic_sized(1)
    store = SparseLabelStore.from_dense(observed)
    with pytest.raises(ValueError, match='densifying'):
        store.observed()
    got = {}
    consumer = nn.Module()
    consumer.set_training_stats = lambda stats: got.update(stats=stats)
    runner = types.SimpleNamespace(
        model=nn.ModuleDict(dict(consumer=consumer)),
        train_dataloader=types.SimpleNamespace(dataset=LabelsOnly(store)),
        logger=types.SimpleNamespace(info=lambda msg: None))
    ClassStatsHook().before_train(runner)
    assert got['stats'].class_freq.tolist() == \
        (observed == 1).sum(0).tolist()


def test_positive_lists_from_csr_equal_dense(no_densify):
    observed = digitmosaic_sized(2)
    observed[:, 7] = np.minimum(observed[:, 7], 0)  # a class never positive
    sparse = LabelsOnly(SparseLabelStore.from_dense(observed))
    lists = positive_lists(sparse, chunk_rows=1000)
    assert len(lists) == 10 and len(lists[7]) == 0
    for c, idx in enumerate(lists):
        assert idx.dtype == np.int64
        np.testing.assert_array_equal(idx, np.flatnonzero(observed[:, c] == 1))
    dense = LabelsOnly(LabelStore(observed))
    for got, want in zip(lists, positive_lists(dense)):
        np.testing.assert_array_equal(got, want)
    a = ClassAwareSampler(sparse, seed=3)
    b = ClassAwareSampler(dense, seed=3)
    assert len(a) == len(b)
    assert list(a) == list(b)
