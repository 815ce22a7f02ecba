"""Train a model from a config.

Example::

    python tools/train.py configs/baselines/bce_r18_digitmosaic-plt.py
    bash tools/dist_train.sh configs/comic/comic_r50_plt-coco.py 8
"""
import argparse
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
    parser = argparse.ArgumentParser(description='Train a multi-label model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='directory for logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest one in '
        'the work dir when no path is given')
    parser.add_argument('--amp', action='store_true',
                        help='enable automatic mixed precision training')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--debug', action='store_true',
                        help='show full tracebacks of configuration errors')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command-line flags to the config."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    try:
        cfg = Config.fromfile(args.config)
        if args.cfg_options is not None:
            cfg.merge_from_dict(args.cfg_options)
        check_config(cfg)
        cfg = merge_args(cfg, args)
        prepare_distributed(cfg, args.launcher)
        register_all_modules(init_default_scope=False)
        runner = Runner.from_cfg(cfg)
        runner.train()
    except USER_ERRORS as err:
        if args.debug:
            raise
        sys.exit(f'error: {config_error_message(err)}\n'
                 '(run with --debug for the full traceback)')


if __name__ == '__main__':
    main()
