"""`make demo`: BCE versus COMIC on the embedded DigitMosaic-PLT benchmark.

Builds DigitMosaic-PLT (long-tailed, 40% of positives missing) into
``data/digitmosaic`` on first use, then trains the BCE baseline and COMIC
with their configs' full recipes (12 epochs, validation every 4 epochs for
the best checkpoint) and run seed 0, and prints their test mAP, overall and
per shot group, for the last and the best-on-val checkpoint.

Speed: the two runs train at the same time in two processes forked after
the imports (one torch thread each on 2 cores), and each process evaluates
its last and best checkpoint itself, so mmengine, torch and mlc are
imported once. A progress line with the elapsed time marks every phase
(build, each training epoch, validation, test). Logs and checkpoints go to
``work_dirs/demo/<config>/seed0`` (``run.log`` holds the training log); a
rerun reuses finished runs (delete ``work_dirs/demo`` to train again).
"""
import argparse
import glob
import json
import multiprocessing as mp
import os
import os.path as osp
import sys
import time
from typing import Callable, Dict, List

START = time.time()  # before the heavy imports below: they are timed too
ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path[:0] = [ROOT, osp.join(ROOT, 'tools', 'analysis_tools')]

import torch  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from run_seeds import table  # noqa: E402

import mlc  # noqa: E402,F401  (installs the safe checkpoint loader)
from mlc.datasets.digitmosaic import build_digitmosaic  # noqa: E402
from mlc.utils import cli  # noqa: E402
from mlc.utils.progress import format_duration  # noqa: E402

DEMO_CONFIGS = [
    'configs/baselines/bce_r18_digitmosaic-plt.py',
    'configs/comic/comic_r18_digitmosaic-plt.py',
]
KEYS = ['mAP', 'mAP_many', 'mAP_medium', 'mAP_few', 'CF1', 'OF1']
SEED = 0

#: ``report(phase, message)`` prints one progress line.
Report = Callable[[str, str], None]


class ProgressHook(Hook):
    """One progress line per training epoch and per validation."""

    priority = 'LOWEST'

    def __init__(self, name: str, report: Report) -> None:
        self.name, self.report = name, report

    def after_train_epoch(self, runner) -> None:
        loss = runner.message_hub.get_scalar('train/loss').current()
        self.report('train', f'{self.name}: epoch {runner.epoch + 1}/'
                    f'{runner.max_epochs}, loss {loss:.4f}')

    def after_val_epoch(self, runner, metrics=None) -> None:
        value = (metrics or {}).get('multi-label/mAP', float('nan'))
        self.report('val', f'{self.name}: epoch {runner.epoch} val mAP '
                    f'{value:.2f}')


def run_dir(work_root: str, config: str) -> str:
    name = osp.splitext(osp.basename(config))[0]
    return osp.abspath(osp.join(work_root, name, f'seed{SEED}'))


def train_and_test(config: str, work_dir: str, report: Report,
                   cfg_options: List[str] = ()) -> Dict[str, dict]:
    """Train ``config`` as ``tools/train.py`` does, then evaluate the last
    and (when saved) the best-on-val checkpoint on the test split as
    ``tools/test.py`` does, in this process; write ``test_last.json`` /
    ``test_best.json`` into ``work_dir`` (the layout of ``run_seeds.py``).

    Returns:
        dict: ``{'last': metrics, 'best': metrics}`` (``best`` if saved).
    """
    name = osp.splitext(osp.basename(config))[0]
    args = argparse.Namespace(
        config=config, work_dir=work_dir, local_rank=0,
        cfg_options=[f'randomness.seed={SEED}', *cfg_options])
    runner = cli.build_runner(cli.load_config(args), 'none')
    runner.register_hook(ProgressHook(name, report))
    runner.train()
    report('test', f'{name}: testing the last and best checkpoints ...')
    results = {'last': runner.test()}
    best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
    if best and best[-1].endswith(f'_epoch_{runner.epoch}.pth'):
        results['best'] = results['last']  # the last epoch is the best one
    elif best:
        runner.load_checkpoint(best[-1], strict=True)
        results['best'] = runner.test()
    for tag, metrics in results.items():
        with open(osp.join(work_dir, f'test_{tag}.json'), 'w') as f:
            json.dump({k: float(v) for k, v in metrics.items()}, f, indent=1)
    report('test', f'{name}: test mAP ' + ', '.join(
        f'{tag} {metrics["multi-label/mAP"]:.2f}'
        for tag, metrics in results.items()))
    return results


class Progress:
    """Prints ``[demo  1m05s] phase message`` lines (time since the
    demo started) to ``stream``."""

    def __init__(self, start: float, stream=sys.stdout) -> None:
        self.start, self.stream = start, stream

    def __call__(self, phase: str, message: str) -> None:
        elapsed = format_duration(time.time() - self.start)
        print(f'[demo {elapsed:>6}] {phase:<5} {message}', file=self.stream,
              flush=True)


def worker(config: str, work_dir: str, threads: int, start: float) -> None:
    """Forked child: progress lines to the terminal, logs to run.log."""
    torch.set_num_threads(threads)
    report = Progress(start, os.fdopen(os.dup(1), 'w'))
    log = open(osp.join(work_dir, 'run.log'), 'a')
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    train_and_test(config, work_dir, report)


def build_data(configs: List[str], report: Report) -> None:
    """Build the DigitMosaic variants the configs read (once each)."""
    done = set()
    for config in configs:
        dataset = Config.fromfile(config).train_dataloader.dataset
        key = (dataset.data_root, dataset.variant, dataset.get('seed', 0),
               dataset.get('img_size', 32))
        if key not in done:
            report('build', f'DigitMosaic-{dataset.variant.upper()} in '
                   f'{dataset.data_root} ...')
            build_digitmosaic(*key)
            report('build', f'DigitMosaic-{dataset.variant.upper()} ready')
            done.add(key)


def cores() -> int:
    return (len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity')
            else os.cpu_count() or 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-root', default='work_dirs/demo')
    args = parser.parse_args()
    report = Progress(START)
    os.chdir(ROOT)
    configs = [c for c in DEMO_CONFIGS if osp.isfile(c)]
    report('start', f'imports done; {cores()} cores')
    try:
        build_data(configs, report)
    except cli.USER_ERRORS as err:
        sys.exit(f'error: {err}')
    todo = [c for c in configs if not osp.isfile(
        osp.join(run_dir(args.work_root, c), 'test_last.json'))]
    parallel = max(1, min(len(todo), cores()))
    threads = max(1, cores() // parallel)
    ctx = mp.get_context('fork' if 'fork' in mp.get_all_start_methods()
                         else None)
    for i in range(0, len(todo), parallel):
        procs = {}
        for config in todo[i:i + parallel]:
            os.makedirs(run_dir(args.work_root, config), exist_ok=True)
            report('train', f'{osp.basename(config)}: started '
                   f'({threads} torch thread(s))')
            procs[config] = ctx.Process(
                target=worker,
                args=(config, run_dir(args.work_root, config), threads,
                      START))
            procs[config].start()
        for proc in procs.values():
            proc.join()
        failed = [c for c, p in procs.items() if p.exitcode != 0]
        if failed:
            sys.exit('error: ' + '; '.join(
                f'{c} failed, see {run_dir(args.work_root, c)}/run.log'
                for c in failed))
    rows = {}
    for config in configs:
        name = osp.splitext(osp.basename(config))[0]
        for tag in ('last', 'best'):
            path = osp.join(run_dir(args.work_root, config),
                            f'test_{tag}.json')
            if osp.isfile(path):
                with open(path) as f:
                    rows.setdefault(name, {})[tag] = [json.load(f)]
    print(table(rows, KEYS, [SEED]))
    print(f'\nDigitMosaic-PLT test mAP (x100; many/medium/few = shot groups '
          f'of the long-tailed training set). Logs and checkpoints: '
          f'{args.work_root}. Wall time '
          f'{format_duration(time.time() - START)}.')


if __name__ == '__main__':
    main()
