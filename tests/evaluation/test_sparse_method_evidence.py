"""The label-issue report reads a sparse label memory (OverrideTable keys)
as it reads a dense one, in row chunks."""
import numpy as np
import pytest
import torch

from mlc.datasets import SparseLabelStore
from mlc.evaluation.label_issues import evidence as evidence_module
from mlc.evaluation.label_issues import method_evidence
from mlc.models.utils import BranchLabelMemory

OBSERVED = np.array([[1, 0, -1], [0, -1, 1], [-1, -1, 0], [1, 1, 0],
                     [0, 0, 0]], dtype=np.int8)


def trained_memory(storage):
    memory = BranchLabelMemory(('random', 'balanced'), storage=storage)
    memory.prepare(SparseLabelStore.from_dense(OBSERVED))
    random = OBSERVED[[0, 2]].astype(np.float32)
    random[0, 0] = 0  # 1 -> 0: contradicted
    random[0, 2] = 0  # -1 -> 0: not an issue direction
    random[1, 1] = 1  # -1 -> 1: contradicted
    memory.stage_rows('random', torch.tensor([0, 2]),
                      torch.from_numpy(random))
    balanced = OBSERVED[[4]].astype(np.float32)
    balanced[0, 2] = 1  # 0 -> 1: contradicted
    memory.stage_rows('balanced', torch.tensor([4]),
                      torch.from_numpy(balanced))
    memory.commit()
    return {f'label_memory.{k}': v for k, v in memory.state_dict().items()}


def test_sparse_memory_gives_the_dense_evidence(monkeypatch):
    monkeypatch.setattr(evidence_module, 'EVIDENCE_CHUNK', 2)
    want = np.zeros_like(OBSERVED)
    want[0, 0] = want[2, 1] = want[4, 2] = 1
    dense, dense_keys = method_evidence(trained_memory('dense'), OBSERVED)
    sparse_state = trained_memory('sparse')
    assert 'label_memory.random.keys' in sparse_state
    sparse, sparse_keys = method_evidence(sparse_state, OBSERVED)
    assert dense_keys == ['label_memory.random', 'label_memory.balanced']
    assert sparse_keys == dense_keys
    np.testing.assert_array_equal(dense, want)
    np.testing.assert_array_equal(sparse, want)
    with pytest.raises(ValueError, match='not trained on this annotation'):
        method_evidence(sparse_state, OBSERVED[:4])
    del sparse_state['label_memory.balanced.values']
    with pytest.raises(ValueError, match=r'label_memory\.balanced: a sparse '
                       r'label memory needs .*values, got only'):
        method_evidence(sparse_state, OBSERVED)
