"""Plot what a training run logged: learning curves, per-class AP, label
corrections.

Sub-commands (each writes one ``.png`` / ``.pdf`` / ``.svg`` figure):

- ``plot_curve WORK_DIR [WORK_DIR ...] --keys loss multi-label/mAP``: any
  scalar of ``<work_dir>/<timestamp>/vis_data/scalars.json`` against the
  epoch (or iteration), one panel per key, one line per run.
- ``per_class_ap RUN [RUN]``: AP of every class against its number of
  positives in the training set (log scale), the shot groups as bands, two
  runs joined class by class. RUN is a work dir (its newest
  ``*per_class_ap.json``) or such a JSON file.
- ``corrections WORK_DIR [WORK_DIR ...]``: precision and recall of the label
  corrections against the clean labels per epoch (COMIC's RLC, the
  co-learning correction hook, SPLC's pseudo-labels), as logged.

Example::

    python tools/analysis_tools/analyze_logs.py plot_curve \\
        work_dirs/demo/*/seed0 --keys loss multi-label/mAP --out curves.png
"""
import argparse
import os.path as osp
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)
sys.path.insert(0, osp.dirname(osp.abspath(__file__)))

from log_analysis.common import read_scalars, run_dirs  # noqa: E402
from log_analysis.corrections import load_corrections, plot_corrections  # noqa: E402,E501
from log_analysis.curves import load_curves, plot_curve  # noqa: E402
from log_analysis.per_class_ap import (  # noqa: E402
    find_per_class_ap,
    plot_per_class_ap,
    read_per_class_ap,
    train_class_freq,
)

from mlc.utils import cli  # noqa: E402

#: the readers and figures, importable from this tool as before the split
__all__ = ['run_dirs', 'read_scalars', 'load_curves', 'plot_curve',
           'find_per_class_ap', 'read_per_class_ap', 'train_class_freq',
           'plot_per_class_ap', 'load_corrections', 'plot_corrections',
           'parse_args', 'run', 'main']


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument('--out', required=True,
                        help='output figure (.png, .pdf or .svg)')
    common.add_argument('--legend', nargs='+', help='one name per run')
    common.add_argument('--title', help='figure title')
    cli.add_debug_flag(common)
    curve = sub.add_parser('plot_curve', parents=[common],
                           help='learning curves of logged scalars')
    curve.add_argument('work_dirs', nargs='+')
    curve.add_argument('--keys', nargs='+', default=['loss'],
                       help='scalar names (a metric prefix may be left out)')
    curve.add_argument('--x', choices=['epoch', 'iter'], default='epoch',
                       help='x axis (default epoch)')
    ap = sub.add_parser('per_class_ap', parents=[common],
                        help='per-class AP against training frequency')
    ap.add_argument('runs', nargs='+',
                    help='one or two work dirs or per-class AP JSON files')
    ap.add_argument('--train-ann', required=True,
                    help='training annotation JSON (class frequencies)')
    corr = sub.add_parser('corrections', parents=[common],
                          help='precision/recall of label corrections')
    corr.add_argument('work_dirs', nargs='+')
    corr.add_argument('--groups', nargs='+', default=['total'],
                      help='COMIC shot groups to draw (total many medium '
                      'few; default total)')
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> str:
    """Draw the figure of the parsed command; return its path."""
    suffix = osp.splitext(args.out)[1]
    if suffix not in ('.png', '.pdf', '.svg'):
        raise ValueError(f'--out must name a .png, .pdf or .svg file, got '
                         f'{args.out!r}')
    cli.check_output_file(args.out, suffix, '--out')
    if args.command == 'plot_curve':
        return plot_curve(args.work_dirs, args.keys, args.out, args.legend,
                          args.x, args.title)
    if args.command == 'per_class_ap':
        return plot_per_class_ap(args.runs, args.train_ann, args.out,
                                 args.legend, args.title)
    return plot_corrections(args.work_dirs, args.out, args.legend,
                            args.groups, args.title)


def main(argv=None) -> None:
    args = parse_args(argv)
    cli.run_cli(lambda: print(f'written {run(args)}'), args.debug)


if __name__ == '__main__':
    main()
