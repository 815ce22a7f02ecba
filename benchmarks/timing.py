"""Timing helpers shared by the benchmark scripts of this folder."""
import argparse
import statistics
import time
from typing import Callable, Dict, List

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapper

from mlc.utils import register_all_modules

#: Loss benchmark scales: (batch size, number of classes).
SCALES = {'COCO (B 64, C 80)': (64, 80),
          'OpenImages (B 64, C 9600)': (64, 9600)}


def interleaved(fns: Dict[str, Callable], reps: int) -> Dict[str, float]:
    """Median seconds of each function, repetitions interleaved."""
    times: Dict[str, List[float]] = {k: [] for k in fns}
    for fn in fns.values():
        fn()  # warm-up
    for _ in range(reps):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {k: statistics.median(v) for k, v in times.items()}


def step_parser(doc: str, step_reps: int) -> argparse.ArgumentParser:
    """The command line of a loss benchmark (``doc``: its module docstring):
    ``--reps`` (loss calls), ``--step-reps`` (training steps, default
    ``step_reps``) and ``--threads``."""
    parser = argparse.ArgumentParser(description=doc.split('\n')[0])
    parser.add_argument('--reps', type=int, default=50)
    parser.add_argument('--step-reps', type=int, default=step_reps)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch intra-op threads (1: less noise on a '
                        'shared machine)')
    return parser


def start_step_benchmark(doc: str, step_reps: int,
                         init_default_scope: bool) -> argparse.Namespace:
    """The parsed command line of a loss benchmark (see
    :func:`step_parser`), with its ``--threads`` applied and the mlc modules
    registered (``init_default_scope``: make ``mlc`` the default scope)."""
    args = step_parser(doc, step_reps).parse_args()
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=init_default_scope)
    return args


def loss_tables(loss_fns: Callable[[int, int], Dict[str, Callable]],
                reps: int, title: str) -> None:
    """One :func:`ratio_table` per loss scale of :data:`SCALES`: the median
    of ``reps`` interleaved calls of each function of ``loss_fns(batch,
    classes)`` (one of them ``'MaskedBCELoss'``, the base) on (batch,
    classes) logits; ``title`` is formatted with ``scale`` and ``reps``."""
    for scale, (batch, classes) in SCALES.items():
        ratio_table(title.format(scale=scale, reps=reps),
                    interleaved(loss_fns(batch, classes), reps),
                    'MaskedBCELoss')


def train_step_fn(model: nn.Module, data: dict) -> Callable[[], None]:
    """One training step of ``model`` on ``data`` (with an Adam optimiser
    of its own, lr 1e-4), as a function without arguments."""
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-4))
    return lambda: model.train_step(data, wrapper)


def ratio_table(title: str, times: Dict[str, float], base: str,
                column: str = 'loss') -> None:
    """Print ``title`` and a Markdown table of the median times (ms) with
    their ratio to ``times[base]`` (the BCE run), one row a function."""
    print(f'\n{title}')
    print(f'| {column} | time (ms) | ratio vs BCE |')
    print('|---|---|---|')
    for name, sec in times.items():
        print(f'| {name} | {sec * 1e3:.3f} | {sec / times[base]:.2f}x |')
