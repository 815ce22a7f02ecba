"""Co-learning label memory: identical on every rank (2-process gloo), dense
or held only as overrides of a sparse store; filled once when training
starts."""
import functools
import os.path as osp
import types

import numpy as np
import pytest
import torch
import torch.distributed as dist
from _helpers import run_two_ranks

from mlc.models.classifiers import CoLearningClassifier
from mlc.models.utils import BranchLabelMemory

NAMES = ('random', 'balanced')
START = np.zeros((6, 3), dtype=np.int8)


def worker(rank, world, init_file, out_dir, storage='dense'):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    memory = BranchLabelMemory(NAMES, storage=storage)
    memory.initialize(START)
    # rank 0 writes samples 0, 1, 2; rank 1 writes 2, 3 and 3 again;
    # only rank 1 has staged 'balanced' rows
    idx = torch.tensor([0, 1, 2]) if rank == 0 else torch.tensor([2, 3, 3])
    rows = torch.full((3, 3), rank + 1) * torch.tensor([[1], [1], [-1]])
    memory.stage_rows('random', idx, rows)
    if rank == 1:
        memory.stage_rows('balanced', torch.tensor([5]), torch.ones(1, 3))
    memory.commit()
    torch.save(memory.state_dict(), osp.join(out_dir, f'rank{rank}.pth'))
    dist.destroy_process_group()


@pytest.mark.parametrize('storage', ['dense', 'sparse'])
def test_memory_identical_on_both_ranks(tmp_path, storage):
    r0, r1 = run_two_ranks(functools.partial(worker, storage=storage),
                           tmp_path)
    assert set(r0) == set(r1)
    for key in r0:
        assert torch.equal(r0[key], r1[key]), key
    memory = BranchLabelMemory(NAMES)
    memory.load_state_dict(r0)
    memory.prepare(START)
    assert memory.sparse == (storage == 'sparse')
    expected = torch.zeros(6, 3)
    expected[0] = expected[1] = 1
    expected[2] = 2  # rank 1 wrote sample 2 after rank 0
    expected[3] = -2  # rank 1's last row for sample 3
    assert torch.equal(memory.rows('random', torch.arange(6)), expected)
    balanced = torch.zeros(6, 3)
    balanced[5] = 1
    assert torch.equal(memory.rows('balanced', torch.arange(6)), balanced)


def test_memory_filled_once_and_rejects_another_training_set():
    labels = torch.from_numpy(np.eye(3, dtype=np.int8)[[0, 1, 2, 1]])
    model = types.SimpleNamespace(
        label_memory=BranchLabelMemory(NAMES))
    init = CoLearningClassifier.init_label_memory
    init(model, labels)
    assert torch.equal(model.label_memory.random, labels)
    # a loaded (e.g. resumed) memory is kept, not refilled
    model.label_memory.random[0] = -1
    init(model, labels)
    assert model.label_memory.random[0, 0] == -1
    with pytest.raises(RuntimeError, match='another training set'):
        init(model, labels[:3])


def test_staging_twice_without_commit_names_the_hook():
    memory = BranchLabelMemory(NAMES)
    memory.initialize(START)
    memory.stage_rows('random', torch.tensor([0]), torch.ones(1, 3))
    with pytest.raises(RuntimeError, match='CoLearningCorrectionHook'):
        memory.stage_rows('random', torch.tensor([1]), torch.ones(1, 3))
