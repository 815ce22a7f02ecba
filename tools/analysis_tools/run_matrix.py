"""Run the DigitMosaic evidence matrix and write its report (``make matrix``).

Every (cell, run seed) trains until val mAP (PLL: top-1) stops improving,
tests its best-on-val checkpoint and leaves ``result.json`` in
``<work-root>/<block>/<row>/<column>/seed<k>``; a rerun reuses finished
runs, so the seeds can accumulate over several sittings. With
``--records DIR`` every finished run is also a line of
``DIR/<work-root name>.jsonl`` (``matrix/records.py``; ``make matrix``
keeps them in ``docs/results/runs/``, with the repository): a fresh
checkout restores them as finished runs and trains only what they
lack. A trunk pre-trained again (its checkpoint is not kept with the
records) may not be bit-identical on another machine: every frozen-trunk
run records its trunk, and ``--rerun-other-trunk`` trains again the runs
of another trunk than the current one. The report (``--out``) and its
PNGs (``--fig-dir``) are rewritten from the finished runs every time
(``--report-only``: without training anything).

Example::

    OMP_NUM_THREADS=1 python tools/analysis_tools/run_matrix.py \\
        --blocks multilabel --seeds 0
"""
import argparse
import os.path as osp
import shlex
import sys
from typing import List

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from matrix import records  # noqa: E402
from matrix.definition import CONVERGENCE, OPTIM_WRAPPER  # noqa: E402
from matrix.driver import (  # noqa: E402
    report,
    report_data,
    run_matrix,
    select,
)

from mlc.utils import cli  # noqa


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--blocks', nargs='+',
                        default=['multilabel', 'pll', 'shifted'],
                        help='matrix blocks to run and report')
    parser.add_argument('--seeds', type=int, nargs='+', default=[0, 1, 2])
    parser.add_argument('--work-root', default='work_dirs/matrix')
    parser.add_argument('--records', default=None, metavar='DIR',
                        help='folder of the runs\' records, '
                        '<work-root name>.jsonl: restored into --work-root '
                        '(and its -cap<N> schedule checks) first, each new '
                        'run appended')
    parser.add_argument('--out', default='docs/results/matrix.md')
    parser.add_argument('--fig-dir', default='docs/results/matrix')
    parser.add_argument('--jobs', type=int, default=2, choices=[1, 2],
                        help='cells trained at the same time (2: 1.76x the '
                        'throughput of 1 on two cores, '
                        'benchmarks/matrix_parallel.py)')
    parser.add_argument('--rows', nargs='+', default=[],
                        help='run only these rows (method names)')
    parser.add_argument('--columns', nargs='+', default=[],
                        help='run only these columns')
    parser.add_argument('--smoke', type=int, default=0, metavar='N',
                        help='plumbing check: every split cut to its first '
                        'N images, 2 epochs; needs its own --work-root and '
                        '--out')
    parser.add_argument('--max-epochs', type=int, default=None,
                        metavar='N', help='schedule check: cap every cell at '
                        'N epochs instead of the matrix cap (cosine '
                        'schedules end there); needs its own --work-root and '
                        '--out')
    parser.add_argument('--trunk-root', default=None, metavar='DIR',
                        help='take the frozen trunks from this work root '
                        '(trained there under the matrix cap when absent) '
                        'instead of pre-training them in --work-root: a '
                        'schedule check then differs from the matrix by '
                        'the schedule alone')
    parser.add_argument('--rerun-other-trunk', action='store_true',
                        help='train again every finished frozen-trunk run '
                        'that started from another trunk than the one its '
                        'geometry has now, or recorded none (a trunk '
                        'pre-trained again on another machine is not '
                        'always bit-identical)')
    parser.add_argument('--fp32', action='store_true',
                        help='parity check: train in float32 (mmengine '
                        'OptimWrapper) instead of under bfloat16 autocast; '
                        'needs its own --work-root, --out and --fig-dir')
    parser.add_argument('--report-only', action='store_true',
                        help='write the report from the finished runs only')
    cli.add_debug_flag(parser)
    return parser.parse_args(argv)


def main_(args: argparse.Namespace, argv: List[str]) -> None:
    selected = select(args.blocks)
    for option, given, known in (
            ('--rows', args.rows, {r.name for b in selected for r in b.rows}),
            ('--columns', args.columns,
             {c.name for b in selected for c in b.columns})):
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValueError(f'{option}: unknown {unknown}; known in the '
                             f'selected blocks: {sorted(known)}')
    defaults = parse_args([])
    if args.smoke and (args.work_root == defaults.work_root
                       or args.out == defaults.out):
        raise ValueError('--smoke runs are not results: give them their own '
                         '--work-root and --out')
    for flag, given in (('--max-epochs', args.max_epochs is not None),
                        ('--fp32', args.fp32)):
        if given and (args.work_root == defaults.work_root
                      or args.out == defaults.out
                      or args.fig_dir == defaults.fig_dir):
            raise ValueError(f'{flag} runs are a check beside the matrix: '
                             'give them their own --work-root, --out and '
                             '--fig-dir')
    if args.max_epochs is not None:
        if args.smoke:
            raise ValueError('--max-epochs and --smoke exclude each other')
        if args.max_epochs < CONVERGENCE['min_epochs']:
            raise ValueError(f'--max-epochs {args.max_epochs} is below the '
                             'matrix\'s minimum of '
                             f'{CONVERGENCE["min_epochs"]} epochs')
    if args.rerun_other_trunk and args.report_only:
        raise ValueError('--rerun-other-trunk trains: not with --report-only')
    if args.trunk_root is not None:
        if args.smoke or args.fp32:
            # its trunk would be trained under this rule, in that root
            raise ValueError('--trunk-root takes the matrix\'s trunks: not '
                             'with --smoke or --fp32 (they train their own)')
        cli.check_writable_dir(args.trunk_root, '--trunk-root')
    cli.check_writable_dir(args.work_root, '--work-root')
    cli.check_output_file(args.out, '.md', '--out')
    if args.records:
        cli.check_writable_dir(args.records, '--records')
        synced = records.sync_with_checks(args.records, args.work_root)
        if args.trunk_root:
            trunks = records.record_file(args.records, args.trunk_root)
            synced[trunks] = records.sync(trunks, args.trunk_root)
        for path, (restored, saved) in synced.items():
            print(f'[matrix] {path}: {restored} runs restored, {saved} '
                  'runs of the work root saved')
    optim_wrapper = 'OptimWrapper' if args.fp32 else OPTIM_WRAPPER
    failures = {}
    if not args.report_only:
        failures = run_matrix(selected, args.seeds, args.work_root,
                              args.jobs, smoke=args.smoke, rows=args.rows,
                              columns=args.columns,
                              max_epochs=args.max_epochs,
                              record_file=args.records
                              and records.record_file(args.records,
                                                      args.work_root),
                              optim_wrapper=optim_wrapper,
                              trunk_root=args.trunk_root,
                              rerun_other_trunk=args.rerun_other_trunk)
    if not args.smoke:
        report_data(selected)
    command = ('OMP_NUM_THREADS=1 python tools/analysis_tools/run_matrix.py '
               + ' '.join(shlex.quote(a) for a in argv))
    report(selected, args.seeds, args.work_root, args.fig_dir, args.out,
           failures, args.max_epochs, command, args.smoke, optim_wrapper,
           args.trunk_root)
    print(f'[matrix] report written to {args.out}')


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    cli.run_cli(lambda: main_(args, argv), args.debug)


if __name__ == '__main__':
    main()
