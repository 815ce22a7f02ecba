"""Co-learning label memory: identical on every rank (2-process gloo),
filled once when training starts."""
import os.path as osp
import types

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from mlc.models.classifiers import CoLearningClassifier
from mlc.models.utils import BranchLabelMemory

START = torch.zeros(6, 3, dtype=torch.int8)


def worker(rank, world, init_file, out_dir):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    memory = BranchLabelMemory(('random', 'balanced'))
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


def test_memory_identical_on_both_ranks(tmp_path):
    mp.start_processes(worker, args=(2, str(tmp_path / 'init'),
                                     str(tmp_path)),
                       nprocs=2, join=True, start_method='spawn')
    r0, r1 = (torch.load(tmp_path / f'rank{r}.pth', weights_only=True)
              for r in range(2))
    for key in r0:
        assert torch.equal(r0[key], r1[key]), key
    expected = START.clone()
    expected[0] = expected[1] = 1
    expected[2] = 2  # rank 1 wrote sample 2 after rank 0
    expected[3] = -2  # rank 1's last row for sample 3
    assert torch.equal(r0['random'], expected)
    balanced = START.clone()
    balanced[5] = 1
    assert torch.equal(r0['balanced'], balanced)


def test_memory_filled_once_and_rejects_another_training_set():
    labels = torch.from_numpy(np.eye(3, dtype=np.int8)[[0, 1, 2, 1]])
    model = types.SimpleNamespace(
        label_memory=BranchLabelMemory(('random', 'balanced')))
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
    memory = BranchLabelMemory(('random', 'balanced'))
    memory.initialize(START)
    memory.stage_rows('random', torch.tensor([0]), torch.ones(1, 3))
    with pytest.raises(RuntimeError, match='CoLearningCorrectionHook'):
        memory.stage_rows('random', torch.tensor([1]), torch.ones(1, 3))
