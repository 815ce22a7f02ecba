"""Co-learning with write-back on the sparse label store and a sparse label
memory trains exactly as the dense store and memory, and resumes exactly."""
import pytest
import torch
from test_dual_loader_loop import co_learning_config, train

from mlc.models.utils import table_storage
from mlc.models.utils.override_table import OverrideTable


def on_16_images(cfg, sparse_labels):
    """Both loaders on the first 16 images, labels in a sparse store or not
    (2 iterations of batch 8 per epoch)."""
    for loader in (cfg['train_dataloader'], cfg['train_cfg']['dataloader_b']):
        loader['dataset']['dataset'].update(sparse_labels=sparse_labels,
                                            indices=16)
    return cfg


@pytest.mark.slow  # 3 training runs; `make test-slow`
def test_sparse_store_and_memory_equal_dense_and_resume(
        tiny_data, tmp_path, monkeypatch):
    dense = train(on_16_images(co_learning_config(
        tiny_data, str(tmp_path / 'dense'), 2, 'dense', True), False))
    assert not dense.model.label_memory.sparse
    monkeypatch.setattr(table_storage, 'MAX_DENSE_ENTRIES', 0)
    sparse = train(on_16_images(co_learning_config(
        tiny_data, str(tmp_path / 'sparse'), 2, 'sparse', True), True))
    assert isinstance(sparse.model.label_memory.random, OverrideTable)
    train(on_16_images(co_learning_config(
        tiny_data, str(tmp_path / 'part'), 2, 'part', True), True),
        resume_from=str(tmp_path / 'sparse' / 'epoch_1.pth'))
    a, b, c = (torch.load(tmp_path / run / 'epoch_2.pth',
                          weights_only=True)['state_dict']
               for run in ('dense', 'sparse', 'part'))
    assert set(b) == set(c)
    for key, value in b.items():  # resumed == uninterrupted, bit for bit
        torch.testing.assert_close(c[key], value, rtol=0, atol=0, msg=key)
    for key, value in a.items():  # sparse == dense, bit for bit
        if not key.startswith('label_memory.'):
            torch.testing.assert_close(b[key], value, rtol=0, atol=0,
                                       msg=key)
    rows = torch.arange(16)
    memory = sparse.model.label_memory
    for name in ('random', 'balanced'):
        dense_rows = a[f'label_memory.{name}'].float()
        assert torch.equal(memory.rows(name, rows), dense_rows)
        assert memory.rows(name, rows).abs().sum() > 0
    assert sum(getattr(memory, n).num_overrides
               for n in ('random', 'balanced')) > 0  # corrections happened
