"""SparseLabelStore: the LabelStore protocol from CSR (memory-mapped) arrays;
chunked AP on it; DigitMosaic through it gives the dense store's results."""
import os.path as osp

import numpy as np
import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

from mlc.datasets import (
    DigitMosaic,
    LabelStore,
    SparseLabelStore,
    sparse_labels,
)
from mlc.evaluation.functional.average_precision import (
    average_precision,
    chunked_average_precision,
)
from mlc.utils import register_all_modules


def random_labels(seed=0, shape=(37, 11)):
    rng = np.random.default_rng(seed)
    observed = rng.choice([-1, -1, 0, 1], size=shape).astype(np.int8)
    clean = rng.integers(0, 2, size=shape).astype(np.int8)
    return observed, clean


@pytest.mark.parametrize('fill', [-1, 0, None])
def test_same_protocol_and_values_as_dense(fill):
    observed, clean = random_labels()
    dense = LabelStore(observed, clean)
    sparse = SparseLabelStore.from_dense(observed, clean, fill=fill)
    assert (sparse.num_samples, sparse.num_classes) == (37, 11)
    assert sparse.has_clean
    np.testing.assert_array_equal(sparse.observed(), dense.observed())
    np.testing.assert_array_equal(sparse.clean(), dense.clean())
    for i in range(37):
        for got, want in ((sparse.get(i), dense.get(i)),
                          (sparse.get_clean(i), dense.get_clean(i))):
            assert got.dtype == want.dtype == np.float32
            np.testing.assert_array_equal(got, want)
    rows = np.array([5, 0, 36, 5])
    np.testing.assert_array_equal(sparse.densify(rows), observed[rows])
    np.testing.assert_array_equal(sparse.densify_clean(rows), clean[rows])
    np.testing.assert_array_equal(sparse.positive_counts(),
                                  (observed == 1).sum(0))
    assert sparse.state_counts() == dict(
        positive=int((observed == 1).sum()),
        negative=int((observed == 0).sum()),
        unknown=int((observed == -1).sum()))
    np.testing.assert_array_equal(sparse.subset(rows).observed(),
                                  observed[rows])


def test_saved_store_is_mapped_read_only(tmp_path):
    observed, clean = random_labels(1)
    SparseLabelStore.from_dense(observed, clean).save(str(tmp_path / 's'))
    store = SparseLabelStore.load(str(tmp_path / 's'))
    assert isinstance(store._indices, np.memmap)
    np.testing.assert_array_equal(store.observed(), observed)
    np.testing.assert_array_equal(store.clean(), clean)
    with pytest.raises(ValueError):
        store._values[0] = 1
    rows, cols, values = store.entries(3, 7)
    rebuilt = np.full((4, 11), store._fill)
    rebuilt[rows, cols] = values
    np.testing.assert_array_equal(rebuilt, observed[3:7])
    with pytest.raises(FileNotFoundError, match='no sparse label store'):
        SparseLabelStore.load(str(tmp_path))


def test_rejects_bad_states_and_huge_densify(monkeypatch):
    with pytest.raises(ValueError, match=r'entry \(1, 0\) is 2'):
        SparseLabelStore.from_dense(np.array([[1, 0], [2, 1]]), fill=0)
    store = SparseLabelStore.from_dense(np.zeros((4, 3)))
    monkeypatch.setattr(sparse_labels, 'MAX_DENSE_ENTRIES', 6)
    with pytest.raises(ValueError, match=r'densifying 4 x 3 labels'):
        store.observed()
    assert store.densify([0, 1]).shape == (2, 3)


def test_chunked_ap_equals_dense_ap_exactly():
    """Row chunks and only the labelled entries give the same numbers,
    bit for bit, including tied scores and classes without positives."""
    rng = np.random.default_rng(3)
    targets = rng.choice([-1, -1, -1, 0, 1], size=(301, 41)).astype(np.int8)
    targets[:, 7] = np.where(targets[:, 7] == 1, 0, targets[:, 7])
    scores = np.round(rng.random((301, 41)), 2).astype(np.float32)
    want, want_pos = average_precision(scores, targets)
    store = SparseLabelStore.from_dense(targets)
    got, got_pos = chunked_average_precision(
        (scores[i:i + 64] for i in range(0, 301, 64)), store.entries, 41)
    assert np.isnan(got[7])
    np.testing.assert_array_equal(got_pos, want_pos)
    assert np.array_equal(got, want, equal_nan=True)


def test_digitmosaic_samples_identical_through_sparse_store():
    kwargs = dict(data_root=osp.join(ROOT, 'data', 'digitmosaic'),
                  variant='pl', split='train', indices=200)
    dense = DigitMosaic(**kwargs)
    sparse = DigitMosaic(sparse_labels=True, **kwargs)
    assert isinstance(sparse.label_store, SparseLabelStore)
    assert sparse.metainfo['class_freq'] == dense.metainfo['class_freq']
    for i in range(len(dense)):
        a, b = dense.get_data_info(i), sparse.get_data_info(i)
        for key in ('gt_score', 'gt_label', 'gt_clean'):
            np.testing.assert_array_equal(a[key], b[key])
            assert a[key].dtype == b[key].dtype


def short_run(tmp_path, sparse: bool) -> dict:
    register_all_modules(init_default_scope=False)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'baselines',
                                   'bce_r18_digitmosaic-pl40.py'))
    cfg.work_dir = str(tmp_path / ('sparse' if sparse else 'dense'))
    for loader, num in (('train_dataloader', 32), ('val_dataloader', 32)):
        cfg[loader].dataset.data_root = osp.join(ROOT, 'data', 'digitmosaic')
        cfg[loader].dataset.indices = num
        cfg[loader].dataset.sparse_labels = sparse
        cfg[loader].batch_size = 16
    cfg.train_cfg = dict(by_epoch=True, max_epochs=1, val_interval=1)
    cfg.param_scheduler = []
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1)
    cfg.log_level = 'WARNING'
    cfg.randomness = dict(seed=0, deterministic=True)
    with DefaultScope.overwrite_default_scope('mlc'):
        runner = Runner.from_cfg(cfg)
        runner.train()
        return runner.val_loop.run()


def test_digitmosaic_run_through_sparse_store_equals_dense(tmp_path):
    torch.set_num_threads(1)
    dense = short_run(tmp_path, sparse=False)
    sparse = short_run(tmp_path, sparse=True)
    assert dense and dense == sparse


def test_labelled_metric_equals_dense_metric():
    """LabelledAveragePrecision keeps only labelled entries yet reports
    MLCAveragePrecision's mAP and empty classes (duplicates dropped)."""
    from mlc.evaluation.metrics import (
        LabelledAveragePrecision,
        MLCAveragePrecision,
    )
    rng = np.random.default_rng(5)
    targets = rng.choice([-1, -1, 0, 1], size=(40, 9)).astype(np.float32)
    targets[:, 4] = -1  # an empty class
    scores = np.round(rng.random((40, 9)), 2).astype(np.float32)
    samples = [dict(pred_score=torch.from_numpy(scores[i]),
                    gt_score=torch.from_numpy(targets[i]), sample_idx=i)
               for i in list(range(40)) + [3, 7]]  # padded duplicates
    dense, sparse = MLCAveragePrecision(), LabelledAveragePrecision()
    for metric in (dense, sparse):
        metric.process(None, samples)
    want = dense.compute_metrics(dense.results)
    got = sparse.compute_metrics(sparse.results)
    assert got['num_empty_classes'] == want['num_empty_classes'] == 1
    assert got['mAP'] == want['mAP']
