"""Evaluate a checkpoint on the test set of a config.

Example::

    python tools/test.py CONFIG CHECKPOINT --out results.npz
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
"""
import argparse
import json
import os
import os.path as osp
import sys

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

import mlc  # noqa: F401  (installs the safe checkpoint loader)
from mlc.utils import register_all_modules
from mlc.utils.config_check import check_config, config_error_message
from mlc.utils.launcher import prepare_distributed

USER_ERRORS = (KeyError, FileNotFoundError, ValueError, TypeError,
               ImportError)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a multi-label model')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='directory for logs and results')
    parser.add_argument(
        '--out', help='save per-sample scores and targets to this .npz file')
    parser.add_argument(
        '--metrics-out', help='save the returned metrics to this JSON file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. test_dataloader.batch_size=8')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--debug', action='store_true',
                        help='show full tracebacks of configuration errors')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def dump_metrics(metrics: dict, path: str) -> None:
    """Write the metrics returned by ``Runner.test`` as JSON."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({k: float(v) for k, v in metrics.items()}, f, indent=1)


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        cfg = Config.fromfile(args.config)
        if args.cfg_options is not None:
            cfg.merge_from_dict(args.cfg_options)
        check_config(cfg)
        if args.work_dir is not None:
            cfg.work_dir = args.work_dir
        elif cfg.get('work_dir') is None:
            cfg.work_dir = osp.join(
                './work_dirs', osp.splitext(osp.basename(args.config))[0])
        cfg.load_from = args.checkpoint
        cfg.resume = False
        if args.out is not None:
            if not args.out.endswith('.npz'):
                raise ValueError(f'--out must name a .npz file: {args.out}')
            evaluator = cfg.test_evaluator
            evaluator = list(evaluator) if isinstance(
                evaluator, (list, tuple)) else [evaluator]
            evaluator.append(dict(type='DumpPredictions', out_file=args.out))
            cfg.test_evaluator = evaluator
        prepare_distributed(cfg, args.launcher)
        register_all_modules(init_default_scope=False)
        runner = Runner.from_cfg(cfg)
        metrics = runner.test()
        if args.metrics_out is not None and runner.rank == 0:
            dump_metrics(metrics, args.metrics_out)
    except USER_ERRORS as err:
        if args.debug:
            raise
        sys.exit(f'error: {config_error_message(err)}\n'
                 '(run with --debug for the full traceback)')


if __name__ == '__main__':
    main()
