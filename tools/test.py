"""Evaluate a checkpoint on the test set of a config.

Example::

    python tools/test.py CONFIG CHECKPOINT --out preds.npz
    bash tools/dist_test.sh CONFIG CHECKPOINT 8 --metrics-out metrics.json
"""
import argparse
import json
import os
import os.path as osp

import mlc  # noqa: F401  (installs the safe checkpoint loader)
from mlc.utils import cli
from mlc.utils.strict_load import StrictLoadHook


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a multi-label model')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        'checkpoint', help='checkpoint file (loaded strictly, weights only)')
    parser.add_argument(
        '--out', help='save per-sample scores and targets to this .npz file')
    parser.add_argument(
        '--metrics-out', help='save the returned metrics to this JSON file')
    cli.add_common_args(parser)
    return parser.parse_args(argv)


def dump_metrics(metrics: dict, path: str) -> None:
    """Write the metrics returned by ``Runner.test`` as JSON."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        json.dump({k: float(v) for k, v in metrics.items()}, f, indent=1)


def main(argv=None) -> None:
    args = parse_args(argv)

    def test() -> None:
        if args.out is not None:
            cli.check_output_file(args.out, '.npz', '--out')
        if args.metrics_out is not None:
            cli.check_output_file(args.metrics_out, '.json', '--metrics-out')
        cfg = cli.load_config(args)
        cfg.load_from = args.checkpoint
        cfg.resume = False
        if args.out is not None:
            evaluator = cfg.test_evaluator
            evaluator = list(evaluator) if isinstance(
                evaluator, (list, tuple)) else [evaluator]
            evaluator.append(dict(type='DumpPredictions', out_file=args.out))
            cfg.test_evaluator = evaluator
        runner = cli.build_runner(cfg, args.launcher)
        runner.register_hook(StrictLoadHook(args.checkpoint), 'LOWEST')
        metrics = runner.test()
        if args.metrics_out is not None and runner.rank == 0:
            dump_metrics(metrics, args.metrics_out)

    cli.run_cli(test, args.debug)


if __name__ == '__main__':
    main()
