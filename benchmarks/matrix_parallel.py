"""One matrix cell at a time or two in parallel (issue 14, item 6)?

The evidence matrix trains its cells with ``OMP_NUM_THREADS=1``;
``run_matrix.py --jobs 2`` trains two cells at once. This script measures
the training throughput of the DigitMosaic r18 trunk (the config's
backbone, global average pooling, a linear layer, BCE, SGD; batch 64 of
32 x 32 images, the cells' shape) in three set-ups, each process timing
``--iters`` steps after 3 warm-up steps:

- **1 x 1**: one process, one torch thread (``--jobs 1``);
- **2 x 1**: two such processes started together (``--jobs 2``), their
  steps per second summed;
- **1 x 2**: one process with two torch threads (one cell using both
  cores).

It prints steps per second and the ratios to 1 x 1. Run it on an idle
machine (``uptime``)::

    python benchmarks/matrix_parallel.py [--iters 60]
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = 'configs/baselines/bce_r18_digitmosaic-pl40.py'


def worker(iters: int, threads: int) -> Dict[str, float]:
    """Time ``iters`` training steps in this process."""
    import torch
    import torch.nn.functional as F
    from mmengine.config import Config
    sys.path.insert(0, ROOT)
    from mlc.registry import MODELS
    from mlc.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = Config.fromfile(osp.join(ROOT, CONFIG))
    trunk = MODELS.build(cfg.model.backbone)
    classes = cfg.model.head.num_classes
    fc = torch.nn.LazyLinear(classes)
    x = torch.randn(64, 3, 32, 32)
    y = (torch.rand(64, classes) < 0.25).float()
    fc(trunk(x)[-1].mean((2, 3)))  # materialise the lazy layer
    optim = torch.optim.SGD([*trunk.parameters(), *fc.parameters()], 0.01)

    def step() -> None:
        logits = fc(trunk(x)[-1].mean((2, 3)))
        loss = F.binary_cross_entropy_with_logits(logits, y)
        optim.zero_grad()
        loss.backward()
        optim.step()

    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(iters):
        step()
    return dict(steps=iters, seconds=time.perf_counter() - start)


def launch(count: int, threads: int, iters: int) -> List[Dict[str, float]]:
    """Run ``count`` worker processes together; their timings."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    procs = [subprocess.Popen(
        [sys.executable, __file__, '--worker', '--iters', str(iters),
         '--threads', str(threads)], env=env, stdout=subprocess.PIPE,
        text=True) for _ in range(count)]
    out = []
    for proc in procs:
        stdout, _ = proc.communicate()
        if proc.returncode:
            raise SystemExit(f'worker failed with code {proc.returncode}')
        out.append(json.loads(stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=60)
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--worker', action='store_true',
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.iters, args.threads)))
        return
    setups = {'1 x 1 (--jobs 1)': (1, 1), '2 x 1 (--jobs 2)': (2, 1),
              '1 x 2 (one cell, 2 threads)': (1, 2)}
    rates = {}
    for name, (count, threads) in setups.items():
        runs = launch(count, threads, args.iters)
        rates[name] = sum(r['steps'] / r['seconds'] for r in runs)
    base = rates['1 x 1 (--jobs 1)']
    print(f'load average at the end: {os.getloadavg()[0]:.2f}')
    print('| set-up | training steps / s (all processes) | vs 1 x 1 |')
    print('|---|---|---|')
    for name, rate in rates.items():
        print(f'| {name} | {rate:.2f} | {rate / base:.2f}x |')


if __name__ == '__main__':
    main()
