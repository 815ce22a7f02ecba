"""PLL state is identical on every rank after an update (2-process gloo),
with the confidence table dense or held only on the candidates."""
import functools
import os.path as osp

import pytest
import torch
import torch.distributed as dist
from _helpers import run_two_ranks

from mlc.models.heads.pll_linear_head import PLLLinearHead
from mlc.models.heads.solar_head import SoLarHead
from mlc.models.utils.pll_state import PLLState


def make_state(storage='dense'):
    gen = torch.Generator().manual_seed(0)
    cand = (torch.rand(10, 4, generator=gen) < 0.5).to(torch.uint8)
    cand[:, 0] = 1
    state = PLLState(storage)
    state.initialize(cand, torch.full((4, ), 0.25), queue_length=6)
    return state


def worker(rank, world, init_file, out_dir, storage='dense'):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    torch.manual_seed(rank)
    state = make_state(storage)
    # rank 0 writes samples 0-2, rank 1 writes 2-4: sample 2 on both ranks
    idx = torch.arange(3) + 2 * rank
    rows = torch.softmax(torch.randn(3, 4), 1) * state.mask_rows(idx)
    rows = rows / rows.sum(1, keepdim=True)
    feats = [torch.randn(3 + rank, 5), torch.randn(3 + rank, 5)]
    feat_mean = PLLLinearHead.update_feat_mean(state, feats, 0.9)
    head = SoLarHead(4, 5, queue_length=6)
    cost = torch.rand(3, 4) * state.mask_rows(idx).float()
    plan, global_cost = head.refine(state, cost)
    state.stage_rows('conf', idx, rows)
    state.stage_values(feat_mean=feat_mean, queue_rows=global_cost)
    state.commit()
    torch.save(dict(state=state.state_dict(), rows=rows, feats=feats,
                    plan=plan, cost=cost),
               osp.join(out_dir, f'rank{rank}.pth'))
    dist.destroy_process_group()


@pytest.mark.parametrize('storage', ['dense', 'sparse'])
def test_state_identical_on_both_ranks(tmp_path, storage):
    r0, r1 = run_two_ranks(functools.partial(worker, storage=storage),
                           tmp_path)
    assert set(r0['state']) == set(r1['state'])
    for key, value in r0['state'].items():
        assert torch.equal(value, r1['state'][key]), key
    loaded = PLLState()
    loaded.load_state_dict(r0['state'])
    assert loaded.sparse == (storage == 'sparse')
    conf = loaded.conf_rows(torch.arange(10))
    assert torch.equal(conf[:2], r0['rows'][:2])
    assert torch.equal(conf[2:5], r1['rows'])  # rank order: rank 1 wins
    assert torch.equal(conf[5:], make_state().conf[5:])
    # feature mean = 0.1 * global batch mean of the views' mean feature
    per_sample = torch.cat([(f[0] + f[1]) / 2 for f in (r0['feats'],
                                                         r1['feats'])])
    torch.testing.assert_close(r0['state']['feat_mean'],
                               0.1 * per_sample.mean(0))
    # queue holds the global batch (rank order); each rank's plan rows are
    # its own rows of the Sinkhorn plan of the global batch
    queue = r0['state']['queue']
    assert torch.equal(queue, torch.cat([r0['cost'], r1['cost']]))
    assert int(r0['state']['queue_len']) == 6
    from mlc.models.utils.sinkhorn import sinkhorn
    full = sinkhorn(queue, torch.full((4, ), 0.25), 3.)
    torch.testing.assert_close(torch.cat([r0['plan'], r1['plan']]), full)
