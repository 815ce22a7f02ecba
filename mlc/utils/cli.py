"""Shared parts of the command-line tools (``tools/train.py``, ``test.py``)."""
import argparse
import os
import os.path as osp
import sys
from typing import Callable

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from .config_check import check_config, config_error_message
from .launcher import prepare_distributed
from .setup_env import register_all_modules

#: Errors that come from a config or input mistake; shown as one line.
USER_ERRORS = (KeyError, FileNotFoundError, ValueError, TypeError,
               ImportError)


def add_common_args(parser: argparse.ArgumentParser) -> None:
    """``--work-dir``, ``--cfg-options``, ``--launcher``, ``--debug``."""
    parser.add_argument('--work-dir', help='directory for logs and models')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. train_cfg.max_epochs=2')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--debug', action='store_true',
                        help='show full tracebacks of configuration errors')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def load_config(args: argparse.Namespace) -> Config:
    """Read, override and check the config; set the work dir."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    check_config(cfg)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    return cfg


def build_runner(cfg: Config, launcher: str) -> Runner:
    """Prepare (CPU) distributed start-up and build the Runner."""
    prepare_distributed(cfg, launcher)
    register_all_modules(init_default_scope=False)
    return Runner.from_cfg(cfg)


def run_cli(main: Callable[[], None], debug: bool) -> None:
    """Run ``main``; a config or input mistake exits with one clear line."""
    try:
        main()
    except USER_ERRORS as err:
        if debug:
            raise
        sys.exit(f'error: {config_error_message(err)}\n'
                 '(run with --debug for the full traceback)')
