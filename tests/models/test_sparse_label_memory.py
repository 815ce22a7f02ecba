"""Co-learning's label memory over a sparse label store: only the changed
entries are held, with the dense memory's values and checkpoints (its
two-rank sync: tests/engine/test_branch_label_memory_sync.py)."""
import numpy as np
import pytest
import torch

from mlc.datasets import SparseLabelStore, sparse_labels
from mlc.models.utils import BranchLabelMemory, table_storage
from mlc.models.utils.override_table import OverrideTable

NAMES = ('random', 'balanced')


def base_labels(seed=0, shape=(64, 10)):
    rng = np.random.default_rng(seed)
    return rng.choice([1, 0, -1, -1], size=shape).astype(np.int8)


def random_steps(observed, steps=12, seed=1):
    """Staged (idx, rows) per step and branch: repeated indices, rows equal
    to the base (no override) and rows reverting earlier corrections."""
    rng = np.random.default_rng(seed)
    num, num_classes = observed.shape
    out = []
    for step in range(steps):
        per_branch = {}
        for name in NAMES[:1 + step % 2]:
            idx = rng.integers(0, num, size=9)
            idx[-1] = idx[0]  # written twice: the last row wins
            rows = observed[idx].copy()
            flip = rng.random(rows.shape) < 0.3
            rows[flip] = rng.choice([1, 0, -1], size=int(flip.sum()))
            per_branch[name] = (torch.from_numpy(idx),
                                torch.from_numpy(rows).float())
        out.append(per_branch)
    return out


def test_sparse_memory_equals_dense_and_a_reference():
    observed = base_labels()
    store = SparseLabelStore.from_dense(observed)
    dense = BranchLabelMemory(NAMES, storage='dense')
    sparse = BranchLabelMemory(NAMES, storage='sparse')
    dense.prepare(torch.from_numpy(observed))
    sparse.prepare(store)
    assert not dense.sparse and sparse.sparse
    reference = {name: observed.copy() for name in NAMES}
    all_rows = torch.arange(observed.shape[0])
    for per_branch in random_steps(observed):
        for memory in (dense, sparse):
            for name, (idx, rows) in per_branch.items():
                memory.stage_rows(name, idx, rows)
            memory.commit()
        for name, (idx, rows) in per_branch.items():
            for i, row in zip(idx.tolist(), rows.numpy()):
                reference[name][i] = row  # sequential writes
        for name in NAMES:
            want = torch.from_numpy(reference[name]).float()
            assert torch.equal(dense.rows(name, all_rows), want)
            assert torch.equal(sparse.rows(name, all_rows), want)
            idx = torch.tensor([5, 0, 5, 63])
            assert torch.equal(sparse.rows(name, idx), want[idx])
            table = getattr(sparse, name)
            # only the entries that differ from the training labels
            assert table.num_overrides == int(
                (reference[name] != observed).sum())
            assert torch.equal(table.keys, table.keys.sort().values)


def test_sparse_checkpoint_round_trip(tmp_path):
    observed = base_labels(2)
    store = SparseLabelStore.from_dense(observed)
    memory = BranchLabelMemory(NAMES, storage='sparse')
    memory.prepare(store)
    memory.stage_rows('random', torch.tensor([3, 7]),
                      torch.tensor([[1.] * 10, [-1.] * 10]))
    memory.commit()
    torch.save(memory.state_dict(), tmp_path / 'memory.pth')
    state = torch.load(tmp_path / 'memory.pth', weights_only=True)
    assert set(state) == {f'{n}.{b}' for n in NAMES
                          for b in ('dims', 'keys', 'values')}
    # a fresh (auto, dense-sized) memory takes the checkpoint's storage
    other = BranchLabelMemory(NAMES)
    other.load_state_dict(state)
    assert other.sparse and other.num_samples == 64
    with pytest.raises(RuntimeError, match='attach'):
        other.rows('random', torch.tensor([0]))
    other.prepare(store)  # resumed: attached, overrides kept
    all_rows = torch.arange(64)
    for name in NAMES:
        assert torch.equal(other.rows(name, all_rows),
                           memory.rows(name, all_rows))
    assert other.rows('random', torch.tensor([3, 7])).tolist() == [
        [1.] * 10, [-1.] * 10]
    with pytest.raises(RuntimeError, match='another training set'):
        _loaded(state).prepare(store.subset(np.arange(60)))
    # a dense checkpoint loads back into dense tables
    dense = BranchLabelMemory(NAMES, storage='dense')
    dense.prepare(store)
    again = BranchLabelMemory(NAMES, storage='sparse')
    again.load_state_dict(dense.state_dict())
    assert not again.sparse and torch.equal(again.random,
                                            torch.from_numpy(observed))


def _loaded(state):
    memory = BranchLabelMemory(NAMES)
    memory.load_state_dict(state)
    return memory


def test_auto_storage_goes_sparse_without_densifying(monkeypatch):
    observed = base_labels(3)
    store = SparseLabelStore.from_dense(observed)
    monkeypatch.setattr(sparse_labels, 'MAX_DENSE_ENTRIES', 100)
    monkeypatch.setattr(table_storage, 'MAX_DENSE_ENTRIES', 100)
    memory = BranchLabelMemory(NAMES)
    memory.prepare(store)  # 640 entries: sparse; a densify would raise
    assert isinstance(memory.random, OverrideTable)
    assert memory.random.num_overrides == 0
    assert torch.equal(memory.rows('balanced', torch.tensor([9, 1])),
                       torch.from_numpy(observed[[9, 1]]).float())
    with pytest.raises(ValueError, match='densifying'):
        BranchLabelMemory(NAMES, storage='dense').prepare(store)
    with pytest.raises(ValueError, match="storage must be one of"):
        BranchLabelMemory(NAMES, storage='mmap')
