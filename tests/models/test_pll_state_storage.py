"""PLL confidences held only on the candidate sets (a CSR-aligned table)
give the dense table's numbers, checkpoints and statistics."""
import numpy as np
import pytest
import torch
from _helpers import resnet_cifar
from mmpretrain.structures import DataSample

from mlc.engine.hooks.confidence_update_hook import confidence_summary
from mlc.models.utils import PLLState, candidate_table, table_storage
from mlc.utils import register_all_modules


def candidates(seed=0, shape=(20, 6)):
    gen = torch.Generator().manual_seed(seed)
    cand = (torch.rand(*shape, generator=gen) < 0.4).to(torch.uint8)
    cand[torch.arange(shape[0]), torch.arange(shape[0]) % shape[1]] = 1
    return cand


def masked_rows(cand, idx, gen):
    """(K, C) rows summing to 1 on the candidates of ``idx``, 0 off them."""
    rows = torch.rand(len(idx), cand.shape[1], generator=gen) * cand[idx]
    return rows / rows.sum(1, keepdim=True)


def test_sparse_confidences_equal_dense(monkeypatch):
    cand = candidates()
    monkeypatch.setattr(candidate_table, 'BUILD_CHUNK', 3)  # chunked build
    dense, sparse = PLLState('dense'), PLLState('sparse')
    for state in (dense, sparse):
        state.initialize(cand.numpy(), queue_length=4)
    assert not dense.sparse and sparse.sparse
    assert sparse.init_mask.numel() == 0
    assert sparse.conf.nnz == int(cand.sum())
    every = torch.arange(20)
    assert torch.equal(sparse.mask_rows(every), cand)
    # uniform start, bit for bit: 1 / |S| on the candidates
    assert torch.equal(sparse.conf_rows(every), dense.conf)
    assert torch.equal(dense.conf[1], cand[1].float() / cand[1].sum())
    gen = torch.Generator().manual_seed(1)
    reference = dense.conf.clone()
    for _ in range(5):
        idx = torch.randint(0, 20, (7, ), generator=gen)
        idx[-1] = idx[0]  # staged twice: the last row wins
        rows = masked_rows(cand, idx, gen)
        for state in (dense, sparse):
            state.stage_rows('conf', idx, rows)
            state.commit()
        for i, row in zip(idx.tolist(), rows):
            reference[i] = row
        assert torch.equal(dense.conf, reference)
        assert torch.equal(sparse.conf_rows(every), reference)
        pick = torch.tensor([4, 0, 4, 19])
        assert torch.equal(sparse.conf_rows(pick), reference[pick])
        assert torch.equal(sparse.mask_rows(pick), cand[pick])
    for state in (dense, sparse):
        state.start_stage2()  # back to uniform, on the same sets
    assert torch.equal(sparse.conf_rows(every), dense.conf)
    assert torch.equal(dense.conf, cand.float() / cand.sum(1, keepdim=True))


def test_sparse_write_off_the_candidates_is_refused():
    cand = candidates()
    state = PLLState('sparse')
    state.initialize(cand)
    off = int(torch.nonzero(cand[2] == 0)[0])
    row = torch.zeros(1, 6)
    row[0, off] = 0.5
    row[0, 2] = 0.5
    state.stage_rows('conf', torch.tensor([2]), row)
    with pytest.raises(ValueError, match=f'sample 2 .* class {off} outside'):
        state.commit()
    empty = cand.clone()
    empty[5] = 0
    with pytest.raises(ValueError, match='sample 5 has an empty candidate'):
        PLLState('sparse').initialize(empty)
    with pytest.raises(ValueError, match='sample 5 has an empty candidate'):
        PLLState('dense').initialize(empty)
    with pytest.raises(ValueError, match='storage must be one of'):
        PLLState('mmap')


def test_auto_storage_and_checkpoint_round_trip(tmp_path, monkeypatch):
    cand = candidates(2)
    monkeypatch.setattr(table_storage, 'MAX_DENSE_ENTRIES', 100)
    state = PLLState()
    state.initialize(cand, torch.full((6, ), 1 / 6), queue_length=4)
    assert state.sparse  # 120 entries > 100
    idx = torch.tensor([3, 7])
    state.stage_rows('conf', idx, masked_rows(
        cand, idx, torch.Generator().manual_seed(0)))
    state.commit()
    torch.save(state.state_dict(), tmp_path / 'state.pth')
    saved = torch.load(tmp_path / 'state.pth', weights_only=True)
    assert {'conf.dims', 'conf.indptr', 'conf.indices',
            'conf.values'} <= set(saved) and 'conf' not in saved
    other = PLLState('dense')  # a checkpoint brings its own storage
    other.load_state_dict(saved)
    every = torch.arange(20)
    assert other.sparse and other.num_samples == 20
    assert torch.equal(other.conf_rows(every), state.conf_rows(every))
    assert other.same_candidates(cand.numpy())
    changed = cand.clone()
    changed[0, 5] = 1 - changed[0, 5]
    assert not other.same_candidates(changed)
    with pytest.raises(RuntimeError, match='another training set'):
        other.needs_init((19, 6))
    dense = PLLState('dense')
    dense.initialize(cand)
    again = PLLState('sparse')
    again.load_state_dict(dense.state_dict())
    assert not again.sparse and torch.equal(again.conf, dense.conf)
    assert torch.equal(again.mask_rows(every), cand)


def test_chunked_statistics_equal_dense():
    cand = candidates(3)
    dense, sparse = PLLState('dense'), PLLState('sparse')
    idx = torch.arange(0, 20, 2)
    rows = masked_rows(cand, idx, torch.Generator().manual_seed(4))
    for state in (dense, sparse):
        state.initialize(cand)
        state.stage_rows('conf', idx, rows)
        state.commit()
    conf = dense.conf.numpy()
    want = (conf.max(1), conf.argmax(1), (conf > 1e-3).sum(1))
    for got in (confidence_summary(dense), confidence_summary(sparse, 3)):
        for a, b in zip(got, want):
            assert np.array_equal(a, b)


@pytest.mark.parametrize('head', [
    dict(type='PLLLinearHead', num_classes=4, in_channels=64,
         prior='records', mixup=True, upd_start=0),
    dict(type='PLLLinearHead', num_classes=4, in_channels=64,
         loss=dict(type='PRODENLoss'), update_mask='current', upd_start=0),
    dict(type='SoLarHead', num_classes=4, in_channels=64, queue_length=8,
         warmup_epochs=1),
], ids=['records-mixup', 'proden', 'solar'])
def test_training_steps_equal_dense(head):
    """Two steps of each head: same losses, gradients and confidences."""
    register_all_modules(init_default_scope=False)
    from mlc.registry import MODELS
    cand = candidates(5, (16, 4))
    views = [torch.randn(8, 3, 16, 16, generator=torch.Generator(
        ).manual_seed(v)) for v in range(2)]
    results = []
    for storage in ('dense', 'sparse'):
        torch.manual_seed(0)
        model = MODELS.build(dict(
            type='PLLClassifier', state_storage=storage,
            backbone=resnet_cifar(18, 8),
            neck=dict(type='GlobalAveragePooling'), head=head))
        model.init_state(cand, torch.full((4, ), 0.25))
        assert model.state.sparse == (storage == 'sparse')
        model.train_epoch = 1
        out = []
        for step, first in enumerate((0, 8)):
            model.set_iteration(step, 0)
            samples = [DataSample(metainfo=dict(sample_idx=first + i))
                       for i in range(8)]
            model.zero_grad()
            losses = model.loss(views[:model.head.num_views], samples)
            total, _ = model.parse_losses(losses)
            total.backward()
            model.state.commit()
            out.append((total.detach(), [p.grad.clone() for p in
                                         model.parameters()
                                         if p.grad is not None]))
        results.append((out, model.state.conf_rows(torch.arange(16))))
    (dense_out, dense_conf), (sparse_out, sparse_conf) = results
    for (loss_a, grads_a), (loss_b, grads_b) in zip(dense_out, sparse_out):
        assert torch.equal(loss_a, loss_b)
        assert all(torch.equal(a, b) for a, b in zip(grads_a, grads_b))
    assert torch.equal(dense_conf, sparse_conf)
    uniform = cand.float() / cand.sum(1, keepdim=True)
    assert not torch.equal(sparse_conf, uniform)  # the steps wrote rows
