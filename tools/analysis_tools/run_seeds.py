"""Train configs with several run seeds and tabulate mean ± std test metrics.

Each (config, seed) run trains through ``tools/train.py`` in its own
process, then ``tools/test.py`` evaluates the last checkpoint and, when the
config saves one, the best-on-val checkpoint on the test split. Finished
runs are skipped on a rerun (their metrics JSON is reused), so an
interrupted sweep continues where it stopped.

Example::

    python tools/analysis_tools/run_seeds.py \\
        configs/baselines/bce_r18_digitmosaic-plt.py \\
        configs/comic/comic_r18_digitmosaic-plt.py \\
        --seeds 0 1 2 --keys mAP mAP_many mAP_medium mAP_few \\
        --out docs/results/digitmosaic-plt.md
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
from typing import Dict, List, Optional

import numpy as np

from mlc.utils import cli
from mlc.utils.progress import format_duration, progress_line

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('configs', nargs='+', help='config files')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--keys', nargs='+',
                        default=['mAP', 'mAP_many', 'mAP_medium', 'mAP_few'],
                        help='metric names (without prefix) to tabulate')
    parser.add_argument('--work-root', default='work_dirs/seeds')
    parser.add_argument('--out', help='write the markdown table here too')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='extra overrides passed to every run')
    cli.add_debug_flag(parser)
    return parser.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    """Refuse, before any run, what would fail later: a missing config, a
    dict in ``--cfg-options``, an unwritable ``--work-root`` or ``--out``."""
    for config in args.configs:
        if not osp.isfile(config):
            raise FileNotFoundError(f'config not found: {config}')
    cli.parse_cfg_options(args.cfg_options)
    if args.out:
        cli.check_output_file(args.out, '.md', '--out')
    cli.check_writable_dir(args.work_root, '--work-root')


def run(cmd: List[str], log: str) -> None:
    env = dict(os.environ,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    with open(log, 'a') as f:
        done = subprocess.run([sys.executable, *cmd], cwd=ROOT, env=env,
                              stdout=f, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        sys.exit(f'error: {" ".join(cmd)} failed; see {log}')


def train_and_test(config: str, seed: int, work_root: str,
                   overrides: List[str]) -> Dict[str, Dict[str, float]]:
    """Metrics of the last (and best-on-val) checkpoint of one run."""
    name = osp.splitext(osp.basename(config))[0]
    work_dir = osp.abspath(osp.join(work_root, name, f'seed{seed}'))
    return train_and_test_in(config, seed, work_dir, overrides)


def train_and_test_in(config: str, seed: int, work_dir: str,
                      overrides: List[str], best_only: bool = False
                      ) -> Dict[str, Dict[str, float]]:
    """Train ``config`` with run seed ``seed`` in ``work_dir`` unless its
    test metrics are there already, then test its last and best-on-val
    checkpoints (``best_only``: the best one only, which then must exist).

    Returns:
        dict: ``'last'`` / ``'best'`` -> test metrics.
    """
    os.makedirs(work_dir, exist_ok=True)
    results: Dict[str, Dict[str, float]] = {}
    tags = ('best', ) if best_only else ('last', 'best')
    done_json = osp.join(work_dir, f'test_{tags[0]}.json')
    log = osp.join(work_dir, 'run.log')
    if not osp.isfile(done_json):
        options = [f'randomness.seed={seed}', *overrides]
        run(['tools/train.py', config, '--work-dir', work_dir,
             '--cfg-options', *options], log)
        test_options = ['--cfg-options', *overrides] if overrides else []
        if not best_only:
            with open(osp.join(work_dir, 'last_checkpoint')) as f:
                last = f.read().strip()
            run(['tools/test.py', config, last, '--work-dir', work_dir,
                 '--metrics-out', done_json, *test_options], log)
        best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if best_only and not best:
            sys.exit(f'error: {config} saved no best-on-val checkpoint in '
                     f'{work_dir}; see {log}')
        if best:
            run(['tools/test.py', config, best[-1], '--work-dir', work_dir,
                 '--metrics-out', osp.join(work_dir, 'test_best.json'),
                 *test_options], log)
    for tag in tags:
        path = osp.join(work_dir, f'test_{tag}.json')
        if osp.isfile(path):
            with open(path) as f:
                results[tag] = json.load(f)
    return results


def pick(metrics: Dict[str, float], key: str) -> Optional[float]:
    """Value of ``key`` whatever the metric prefix."""
    for name, value in metrics.items():
        if name == key or name.endswith('/' + key):
            return value
    return None


def mean_std(values: List[float]) -> str:
    """``mean ± std`` of a table cell; one value is shown as ``v (n=1)``
    (its std of 0 says nothing), none as ``–``."""
    if not values:
        return '–'
    if len(values) == 1:
        return f'{values[0]:.2f} (n=1)'
    return f'{np.mean(values):.2f} ± {np.std(values):.2f}'


def table(rows: Dict[str, Dict[str, List[Dict[str, float]]]],
          keys: List[str], seeds: List[int]) -> str:
    """Markdown table of mean ± std (over seeds) per config and checkpoint,
    with the first key's value of every seed in the last column."""
    lines = ['| config | checkpoint | ' + ' | '.join(keys) +
             f' | {keys[0]} per seed |',
             '|---|---|' + '---|' * (len(keys) + 1)]
    for name, by_tag in rows.items():
        for tag, runs in by_tag.items():
            cells = []
            for key in keys:
                values = [v for v in (pick(r, key) for r in runs)
                          if v is not None]
                cells.append(mean_std(values))
            per_seed = ' / '.join(
                '–' if pick(r, keys[0]) is None else f'{pick(r, keys[0]):.2f}'
                for r in runs)
            lines.append(f'| {name} | {tag} (n={len(runs)}) | ' +
                         ' | '.join(cells) + f' | {per_seed} |')
    lines.append('')
    lines.append(f'Seeds {seeds}; mean ± population std over run seeds on '
                 'data seed 0 ("(n=1)": a single run, no std); "last" = '
                 'last epoch, "best" = best epoch on the val split, both '
                 'evaluated on the test split.')
    return '\n'.join(lines)


def sweep(args: argparse.Namespace) -> None:
    """Train and test every (config, seed) and print the table."""
    check_args(args)
    rows: Dict[str, Dict[str, List[Dict[str, float]]]] = {}
    jobs = [(config, seed) for config in args.configs for seed in args.seeds]
    run_times: List[float] = []
    start = time.time()
    for i, (config, seed) in enumerate(jobs):
        name = osp.splitext(osp.basename(config))[0]
        work_dir = osp.join(args.work_root, name, f'seed{seed}')
        reused = osp.isfile(osp.join(work_dir, 'test_last.json'))
        print(f'[run_seeds {i + 1}/{len(jobs)}] {name} seed {seed}: '
              f'{"reusing the finished run" if reused else "training"} '
              f'({work_dir})', flush=True)
        t0 = time.time()
        for tag, metrics in train_and_test(config, seed, args.work_root,
                                           args.cfg_options).items():
            rows.setdefault(name, {}).setdefault(tag, []).append(metrics)
        if not reused:
            run_times.append(time.time() - t0)
        print(f'[run_seeds {i + 1}/{len(jobs)}] {name} seed {seed}: done in '
              f'{format_duration(time.time() - t0)}; '
              f'{progress_line(i + 1, len(jobs), run_times)}', flush=True)
    print(f'[run_seeds] {len(jobs)} runs in '
          f'{format_duration(time.time() - start)}', flush=True)
    text = table(rows, args.keys, args.seeds)
    print(text)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text + '\n')


def main(argv=None) -> None:
    args = parse_args(argv)
    cli.run_cli(lambda: sweep(args), args.debug)


if __name__ == '__main__':
    main()
