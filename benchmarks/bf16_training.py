"""bfloat16 autocast against float32 training on this machine's CPU.

The evidence matrix trains every cell under ``AutocastOptimWrapper``
(``tools/train.py --bf16``). This script times the training step of a
matrix cell's model in both precisions, alternating in one process (one
torch thread, as the matrix runs): the DigitMosaic r18 trunk of
``--config``, global average pooling, a linear layer, BCE on the scores
cast to float32 (as mlc's losses do), SGD; batch 64 of 32 x 32 images.
It prints steps per second of each and their ratio, and both losses at
the first step (the same weights and batch: what bfloat16 changes in the
forward). On a CPU without bfloat16
matrix units (AMX / AVX512-BF16) the ratio can be below 1::

    python benchmarks/bf16_training.py [--iters 10] [--rounds 3]

``--compare FP32 BF16`` instead compares whole matrix runs: two record
files of ``run_matrix.py --records`` (the same cells trained in float32,
``run_matrix.py --fp32``, and in bfloat16), per cell or trunk with runs
of the same seeds in both: their number, the test metric (mAP, or top-1
for PLL) of each as mean ± std and the difference of the means, and the
mean wall time of each and their ratio (``make matrix-fp32``)::

    python benchmarks/bf16_training.py --compare \
        docs/results/runs/matrix-fp32.jsonl docs/results/runs/matrix.jsonl
"""
import argparse
import json
import os.path as osp
import sys
import time
from collections import defaultdict
from typing import Callable, Dict, List

import torch
import torch.nn.functional as F

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, ROOT)


def build_step(config: str, bf16: bool) -> Callable[[], torch.Tensor]:
    """A training step of ``config``'s backbone + a linear layer (same
    initial weights for both precisions: seed 0)."""
    from mmengine.config import Config

    from mlc.registry import MODELS
    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(ROOT, config))
    trunk = MODELS.build(cfg.model.backbone)
    classes = cfg.model.head.num_classes
    fc = torch.nn.LazyLinear(classes)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(64, 3, 32, 32, generator=gen)
    y = (torch.rand(64, classes, generator=gen) < 0.25).float()
    fc(trunk(x)[-1].mean((2, 3)))  # materialise the lazy layer
    optim = torch.optim.SGD([*trunk.parameters(), *fc.parameters()], 0.01)

    def step() -> torch.Tensor:
        with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
            logits = fc(trunk(x)[-1].mean((2, 3)))
        loss = F.binary_cross_entropy_with_logits(logits.float(), y)
        optim.zero_grad()
        loss.backward()
        optim.step()
        return loss.detach()

    return step


def measure(config: str, iters: int, rounds: int) -> Dict[str, float]:
    """Steps per second of each precision (best round), alternating."""
    from mlc.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    torch.set_num_threads(1)
    steps = {name: build_step(config, name == 'bf16')
             for name in ('fp32', 'bf16')}
    first = {name: float(step()) for name, step in steps.items()}
    for step in steps.values():  # warm-up
        step()
    best = {name: 0.0 for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(iters):
                step()
            best[name] = max(best[name],
                             iters / (time.perf_counter() - start))
    return dict(fp32_steps_per_s=round(best['fp32'], 3),
                bf16_steps_per_s=round(best['bf16'], 3),
                bf16_vs_fp32=round(best['bf16'] / best['fp32'], 2),
                first_loss_fp32=round(first['fp32'], 5),
                first_loss_bf16=round(first['bf16'], 5))


def compare(fp32: str, bf16: str) -> List[str]:
    """Markdown rows, one per cell (or pre-trained trunk) with finished
    runs of the same seeds in both record files: mean ± population std of
    the test metric over those seeds, and the mean wall times ('-' for a
    trunk pre-trained before its time was recorded; see the module
    docstring).

    Raises:
        ValueError: naming the file and run, for a run of ``fp32`` that
            did not train in float32 or of ``bf16`` not in bfloat16.
    """
    tools = osp.join(ROOT, 'tools', 'analysis_tools')
    if tools not in sys.path:
        sys.path.insert(0, tools)
    import numpy as np
    from matrix import records
    runs = [records.load(path) for path in (fp32, bf16)]
    for path, found, wrapper in zip((fp32, bf16), runs,
                                    ('OptimWrapper', 'AutocastOptimWrapper')):
        other = sorted(run for run, record in found.items()
                       if record.get('optim_wrapper') not in (None, wrapper))
        if other:
            raise ValueError(f'{path}: {other[0]} did not train under '
                             f'{wrapper}')
    cells = defaultdict(list)
    for run in sorted(set(runs[0]) & set(runs[1])):
        cell, _, seed = run.rpartition('/')
        cells[cell if seed.startswith('seed') else run].append(run)
    lines = ['| cell | runs | fp32 | bf16 | bf16 - fp32 | fp32 s | bf16 s '
             '| fp32 / bf16 time |', '|---|---|---|---|---|---|---|---|']
    for cell, names in cells.items():
        key = next(k for k in ('multi-label/mAP', 'pll/top1', 'plain/mAP')
                   if k in runs[0][names[0]]['metrics'])
        value = [np.array([r[n]['metrics'][key] for n in names])
                 for r in runs]
        secs = [[r[n].get('seconds') for n in names] for r in runs]
        times = '| - | - | - |' if None in secs[0] + secs[1] else (
            f'| {np.mean(secs[0]):.0f} | {np.mean(secs[1]):.0f} | '
            f'{np.mean(secs[0]) / np.mean(secs[1]):.2f}x |')
        lines.append(f'| {cell} | {len(names)} | {value[0].mean():.2f} ± '
                     f'{value[0].std():.2f} | {value[1].mean():.2f} ± '
                     f'{value[1].std():.2f} | '
                     f'{value[1].mean() - value[0].mean():+.2f} ' + times)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config',
                        default='configs/baselines/bce_r18_digitmosaic-'
                        'pl40.py')
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--compare', nargs=2, metavar=('FP32', 'BF16'),
                        help='compare two record files of matrix runs')
    args = parser.parse_args()
    if args.compare:
        print('\n'.join(compare(*args.compare)))
    else:
        print(json.dumps(measure(args.config, args.iters, args.rounds)))


if __name__ == '__main__':
    main()
