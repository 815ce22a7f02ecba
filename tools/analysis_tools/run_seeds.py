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
from typing import Dict, List, Optional

import numpy as np

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def parse_args() -> argparse.Namespace:
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
    return parser.parse_args()


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
    os.makedirs(work_dir, exist_ok=True)
    results: Dict[str, Dict[str, float]] = {}
    last_json = osp.join(work_dir, 'test_last.json')
    log = osp.join(work_dir, 'run.log')
    if not osp.isfile(last_json):
        options = [f'randomness.seed={seed}', *overrides]
        run(['tools/train.py', config, '--work-dir', work_dir,
             '--cfg-options', *options], log)
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            last = f.read().strip()
        test_options = ['--cfg-options', *overrides] if overrides else []
        run(['tools/test.py', config, last, '--work-dir', work_dir,
             '--metrics-out', last_json, *test_options], log)
        best = sorted(glob.glob(osp.join(work_dir, 'best_*.pth')))
        if best:
            run(['tools/test.py', config, best[-1], '--work-dir', work_dir,
                 '--metrics-out', osp.join(work_dir, 'test_best.json'),
                 *test_options], log)
    for tag in ('last', 'best'):
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
                cells.append('–' if not values else
                             f'{np.mean(values):.2f} ± {np.std(values):.2f}')
            per_seed = ' / '.join(
                '–' if pick(r, keys[0]) is None else f'{pick(r, keys[0]):.2f}'
                for r in runs)
            lines.append(f'| {name} | {tag} (n={len(runs)}) | ' +
                         ' | '.join(cells) + f' | {per_seed} |')
    lines.append('')
    lines.append(f'Seeds {seeds}; mean ± population std over run seeds on '
                 'data seed 0; "last" = last epoch, "best" = best epoch on '
                 'the val split, both evaluated on the test split.')
    return '\n'.join(lines)


def main() -> None:
    args = parse_args()
    rows: Dict[str, Dict[str, List[Dict[str, float]]]] = {}
    for config in args.configs:
        name = osp.splitext(osp.basename(config))[0]
        for seed in args.seeds:
            print(f'[run_seeds] {name} seed {seed}', flush=True)
            for tag, metrics in train_and_test(config, seed, args.work_root,
                                               args.cfg_options).items():
                rows.setdefault(name, {}).setdefault(tag, []).append(metrics)
    text = table(rows, args.keys, args.seeds)
    print(text)
    if args.out:
        os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
        with open(args.out, 'w') as f:
            f.write(text + '\n')


if __name__ == '__main__':
    main()
