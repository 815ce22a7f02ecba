"""Framework overhead: a ``tools/train.py`` iteration vs a plain PyTorch step.

Target (issue 15): the mmengine Runner iteration of the DigitMosaic BCE
config costs at most 1.10x a plain PyTorch loop on the same model, batch and
optimizer.

- **Runner**: the Runner that ``tools/train.py`` builds from the config
  (``mlc.utils.cli.build_runner``: data preprocessor, every default hook —
  timer, logger every 10 iterations, per-iteration cosine LR step, checkpoint,
  random state —, ``OptimWrapper``, ``MaskedBCELoss``), its
  epoch loop fed with real batches of the config's train pipeline held in
  memory (validation off: per-iteration cost only). One iteration = from the
  end of the previous iteration to the end of this one's
  ``after_train_iter`` hooks.
- **Plain**: the same backbone / neck / head modules (same init), the same
  batches already stacked as a ``(B, 3, 32, 32)`` uint8 tensor and a
  ``(B, C)`` target tensor; normalise, forward, ``binary_cross_entropy_with_
  logits`` (unknown labels as negatives, as the config), backward,
  ``torch.optim.Adam`` step.

Blocks of ``--block`` iterations of each are interleaved (the plain block
runs inside a hook between two Runner blocks, outside the Runner's timing),
so load changes on a shared machine hit both alike; medians are reported
with the ratio, and the Runner iteration is split into ``model.train_step``
and the rest (loop + hooks). Run::

    OMP_NUM_THREADS=1 python benchmarks/framework_overhead.py [--iters 60]
"""
import argparse
import os.path as osp
import statistics
import sys
import tempfile
import time
from typing import Dict, List

import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.hooks import Hook
from torch.utils.data import DataLoader, Dataset

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)

import mlc  # noqa: E402,F401
from mlc.datasets.digitmosaic import build_digitmosaic  # noqa: E402
from mlc.registry import MODELS  # noqa: E402
from mlc.utils.cli import build_runner  # noqa: E402

CONFIG = 'configs/baselines/bce_r18_digitmosaic-plt.py'


class HeldBatches(Dataset):
    """``length`` items cycling through collated batches held in memory;
    exposes the real dataset's ``metainfo`` and ``label_store`` so the
    hooks see what they see in training."""

    def __init__(self, batches: List[dict], real: Dataset,
                 length: int) -> None:
        self.batches, self.length = batches, length
        self.metainfo = real.metainfo
        self.label_store = getattr(real, 'label_store', None)

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, idx: int) -> dict:
        return self.batches[idx % len(self.batches)]


def _first(items: list) -> dict:
    return items[0]


class PlainLoop:
    """forward, BCE, backward, Adam on stacked tensors: no framework."""

    def __init__(self, cfg: Config, batches: List[dict]) -> None:
        torch.manual_seed(0)
        model = MODELS.build(cfg.model)
        model.init_weights()
        self.net = torch.nn.ModuleDict(dict(
            backbone=model.backbone, neck=model.neck, head=model.head))
        self.net.train()
        pre = cfg.model.data_preprocessor
        self.mean = torch.tensor(pre.mean).view(1, 3, 1, 1)
        self.std = torch.tensor(pre.std).view(1, 3, 1, 1)
        optim = cfg.optim_wrapper.optimizer
        self.optimizer = torch.optim.Adam(
            self.net.parameters(), lr=optim.lr,
            weight_decay=optim.weight_decay)
        self.batches = [
            (torch.stack(b['inputs']),
             torch.stack([s.gt_score for s in b['data_samples']]))
            for b in batches]
        self.step_idx = 0

    def step(self) -> None:
        images, targets = self.batches[self.step_idx % len(self.batches)]
        self.step_idx += 1
        x = (images.float() - self.mean) / self.std
        logits = self.net.head(self.net.neck(self.net.backbone(x)))
        loss = F.binary_cross_entropy_with_logits(logits,
                                                  (targets == 1).float())
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()


class InterleaveHook(Hook):
    """Times Runner iterations and runs a plain block every ``block``."""

    priority = 'LOWEST'  # after every other after_train_iter hook

    def __init__(self, plain: PlainLoop, block: int, warmup: int) -> None:
        self.plain, self.block, self.warmup = plain, block, warmup
        self.times: Dict[str, List[float]] = dict(runner=[], plain=[],
                                                  train_step=[])
        self.last = None
        self.step_time = 0.
        self.done = 0

    def wrap_train_step(self, model) -> None:
        inner = model.train_step

        def timed(*args, **kwargs):
            start = time.perf_counter()
            out = inner(*args, **kwargs)
            self.step_time = time.perf_counter() - start
            return out
        model.train_step = timed

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        now = time.perf_counter()
        self.done += 1
        measured = self.done > self.warmup * self.block
        if self.last is not None and measured:
            self.times['runner'].append(now - self.last)
            self.times['train_step'].append(self.step_time)
        self.last = now
        if self.done % self.block == 0:
            for _ in range(self.block):
                start = time.perf_counter()
                self.plain.step()
                if measured:
                    self.times['plain'].append(time.perf_counter() - start)
            # the next Runner iteration (data fetch included) starts now
            self.last = time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=CONFIG)
    parser.add_argument('--iters', type=int, default=60,
                        help='timed iterations of each loop')
    parser.add_argument('--block', type=int, default=5)
    parser.add_argument('--warmup', type=int, default=1,
                        help='untimed blocks at the start')
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cfg = Config.fromfile(osp.join(ROOT, args.config))
    data = cfg.train_dataloader.dataset
    build_digitmosaic(osp.join(ROOT, data.data_root), data.variant)
    for split in ('train', 'val', 'test'):
        cfg[f'{split}_dataloader'].dataset.data_root = osp.join(
            ROOT, data.data_root)
    cfg.val_dataloader = cfg.val_cfg = cfg.val_evaluator = None
    cfg.default_hooks.checkpoint.save_best = None
    cfg.log_level = 'WARNING'
    with tempfile.TemporaryDirectory() as work_dir:
        cfg.work_dir = work_dir
        runner = build_runner(cfg, 'none')
        loader = runner.build_dataloader(cfg.train_dataloader)
        batches = [b for b, _ in zip(loader, range(4))]
        total = (args.warmup * args.block + args.iters)
        total = -(-total // args.block) * args.block
        runner._train_dataloader = DataLoader(
            HeldBatches(batches, loader.dataset, total), batch_size=1,
            shuffle=False, collate_fn=_first)
        runner._train_loop = dict(type='EpochBasedTrainLoop', max_epochs=1)
        hook = InterleaveHook(PlainLoop(cfg, batches), args.block,
                              args.warmup)
        hook.wrap_train_step(runner.model)
        runner.register_hook(hook)
        runner.train()
    med = {k: statistics.median(v) * 1e3 for k, v in hook.times.items()}
    print(f'{args.config}: batch {cfg.train_dataloader.batch_size}, '
          f'{torch.get_num_threads()} thread(s), {len(hook.times["runner"])} '
          f'Runner / {len(hook.times["plain"])} plain iterations timed '
          '(medians)')
    print('| loop | ms / iteration | ratio vs plain |')
    print('|---|---|---|')
    for name, label in (('plain', 'plain PyTorch loop'),
                        ('runner', 'mmengine Runner (tools/train.py)'),
                        ('train_step', '  of which model.train_step')):
        print(f'| {label} | {med[name]:.1f} | '
              f'{med[name] / med["plain"]:.3f}x |')
    print(f'| {"  of which loop + hooks"} | '
          f'{med["runner"] - med["train_step"]:.1f} | '
          f'{(med["runner"] - med["train_step"]) / med["plain"]:.3f}x |')


if __name__ == '__main__':
    main()
