"""`make demo`: BCE versus COMIC on the embedded DigitMosaic-PLT benchmark.

Builds DigitMosaic-PLT (long-tailed, 40% of positives missing) into
``data/digitmosaic`` on first use, trains the BCE baseline and COMIC on the
CPU with run seed 0 and prints their test mAP, overall and per shot group.
A rerun reuses finished runs (delete ``work_dirs/demo`` to train again).
"""
import os
import os.path as osp
import subprocess
import sys
import time

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO_CONFIGS = [
    'configs/baselines/bce_r18_digitmosaic-plt.py',
    'configs/comic/comic_r18_digitmosaic-plt.py',
]


def main() -> None:
    start = time.time()
    configs = [c for c in DEMO_CONFIGS if osp.isfile(osp.join(ROOT, c))]
    cmd = [sys.executable, 'tools/analysis_tools/run_seeds.py', *configs,
           '--seeds', '0', '--work-root', 'work_dirs/demo', '--keys', 'mAP',
           'mAP_many', 'mAP_medium', 'mAP_few', 'CF1', 'OF1']
    env = dict(os.environ,
               PYTHONPATH=ROOT + os.pathsep + os.environ.get('PYTHONPATH', ''))
    done = subprocess.run(cmd, cwd=ROOT, env=env)
    if done.returncode != 0:
        sys.exit(done.returncode)
    print(f'\nDigitMosaic-PLT test mAP (x100; many/medium/few = shot groups '
          f'of the long-tailed training set). Logs and checkpoints: '
          f'work_dirs/demo. Wall time {time.time() - start:.0f} s.')


if __name__ == '__main__':
    main()
