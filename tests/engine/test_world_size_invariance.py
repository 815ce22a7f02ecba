"""The losses of the COCO 2014 / NUS-WIDE missing-label configs give the same
optimizer step on 2 gloo ranks x B/2 as on 1 process x B (the official
recipe trains one process on the whole batch), through mmengine's
MMDistributedDataParallel + OptimWrapper as the real training does."""
import glob
import os.path as osp

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
from _helpers import rank_start_method
from mmengine.config import Config
from mmengine.model import BaseModel, MMDistributedDataParallel
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

from mlc.models.heads import MLCLinearHead
from mlc.registry import MODELS
from mlc.utils import register_all_modules

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
B, D, C = 8, 5, 6


class TinyClassifier(BaseModel):
    """Linear + ReLU trunk (no BatchNorm) and the missing-label head."""

    def __init__(self, loss: dict) -> None:
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(D, 8), nn.ReLU())
        self.head = MLCLinearHead(num_classes=C, in_channels=8,
                                  loss=MODELS.build(loss))
        if hasattr(self.head.loss_module, 'set_epoch'):
            self.head.loss_module.set_epoch(1)  # SPLC corrects

    def forward(self, inputs, data_samples=None, mode='loss'):
        return self.head.loss((self.trunk(inputs), ), data_samples)


def make_batch():
    """(B, D) float64 inputs and B samples with targets in {1, 0, -1}."""
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(B, D, generator=gen, dtype=torch.float64)
    t = torch.randint(-1, 2, (B, C), generator=gen).double()
    t[:, 0] = 1  # every image keeps a positive, as in the Hill lists
    return x, [DataSample().set_gt_score(row) for row in t]


def one_step(loss: dict, weight_decay: float, rank: int = 0,
             world: int = 1) -> dict:
    """Parameters after one Adam step on this rank's share of the batch."""
    torch.manual_seed(0)
    model = TinyClassifier(loss).double()
    x, samples = make_batch()
    share = B // world
    data = dict(inputs=x[rank * share:(rank + 1) * share],
                data_samples=samples[rank * share:(rank + 1) * share])
    if world > 1:
        model = MMDistributedDataParallel(
            module=model, device_ids=None, broadcast_buffers=False)
    optim = OptimWrapper(torch.optim.Adam(
        model.parameters(), lr=1e-2, weight_decay=weight_decay))
    model.train_step(data, optim)
    params = getattr(model, 'module', model).named_parameters()
    return {k: v.detach().clone() for k, v in params}


def data_grad_scale(loss: dict) -> float:
    """Coupled L2 factor of the order of the data gradient: with it a
    wrong data/L2 balance changes the signs of Adam's first step."""
    torch.manual_seed(0)
    model = TinyClassifier(loss).double()
    x, samples = make_batch()
    model(x, samples)['loss'].backward()
    grads = torch.cat([p.grad.abs().flatten() for p in model.parameters()])
    weights = torch.cat([p.abs().flatten() for p in model.parameters()])
    return (grads.median() / weights.median()).item()


def config_losses() -> dict:
    """The distinct loss configs of the COCO 2014 / NUS-WIDE configs."""
    losses = {}
    for folder in ('baselines', 'hill', 'splc'):
        for path in sorted(glob.glob(
                osp.join(ROOT, 'configs', folder, '*_r50_*.py'))):
            if 'coco2014' not in path and 'nus-wide' not in path:
                continue
            loss = Config.fromfile(path).model.head.loss.to_dict()
            losses.setdefault(repr(sorted(loss.items())),
                              (osp.basename(path), loss))
    return {name: loss for name, loss in losses.values()}


def worker(rank, world, init_file, out_dir, cases):
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world)
    register_all_modules(init_default_scope=False)
    out = {name: one_step(loss, wd, rank, world)
           for name, (loss, wd) in cases.items()}
    torch.save(out, osp.join(out_dir, f'rank{rank}.pth'))
    dist.destroy_process_group()


def test_two_ranks_equal_one_process(tmp_path):
    register_all_modules(init_default_scope=False)
    losses = config_losses()
    types = {loss['type'] for loss in losses.values()}
    assert types == {'MaskedBCELoss', 'MaskedFocalLoss', 'MaskedASLLoss',
                     'WANLoss', 'HillLoss', 'SPLCLoss'}
    cases = {name: (loss, data_grad_scale(loss))
             for name, loss in losses.items()}
    # control: the per-rank local sum (the old configs) must be caught
    control = {name: (dict(loss, reduction='sum'), wd)
               for name, (loss, wd) in cases.items()
               if loss['reduction'] == 'global_sum'}
    assert control
    cases.update({f'{name} (local sum)': case
                  for name, case in control.items()})
    mp.start_processes(worker, args=(2, str(tmp_path / 'init'),
                                     str(tmp_path), cases),
                       nprocs=2, join=True, start_method=rank_start_method())
    r0, r1 = (torch.load(tmp_path / f'rank{r}.pth', weights_only=True)
              for r in range(2))
    for name, (loss, wd) in cases.items():
        single = one_step(loss, wd)
        same = all(torch.allclose(r0[name][k], single[k], rtol=0, atol=1e-9)
                   for k in single)
        for k in single:
            assert torch.equal(r0[name][k], r1[name][k]), (name, k)
        assert same == (not name.endswith('(local sum)')), name
