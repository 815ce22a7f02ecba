"""Train a model from a config.

Example::

    python tools/train.py configs/baselines/bce_r18_digitmosaic-plt.py
    bash tools/dist_train.sh configs/comic/comic_r50_plt-coco.py 8
"""
import argparse
import logging

import torch
from mmengine.config import Config
from mmengine.device import get_device
from mmengine.logging import print_log

import mlc  # noqa: F401  (installs the safe checkpoint loader)
from mlc.engine.checkpoint_files import resume_checkpoint
from mlc.utils import cli


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a multi-label model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from the given checkpoint, or from the latest complete '
        'one in the work dir when no path is given (an error when there is '
        'none)')
    precision = parser.add_mutually_exclusive_group()
    precision.add_argument('--amp', action='store_true',
                           help='float16 mixed precision with loss scaling '
                           '(mmengine AmpOptimWrapper; GPU, NPU, MLU or MUSA)')
    precision.add_argument('--bf16', action='store_true',
                           help='bfloat16 mixed precision on any device, the '
                           'CPU included (AutocastOptimWrapper)')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate during training')
    cli.add_common_args(parser)
    return parser.parse_args(argv)


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the training flags to the config."""
    if args.amp:
        if get_device() == 'cpu':
            raise ValueError('--amp (float16 with loss scaling) needs an '
                             'accelerator; on the CPU use --bf16')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.bf16:
        if torch.cuda.is_available() and not torch.cuda.is_bf16_supported(
                including_emulation=False):
            print_log('--bf16: this GPU has no native bfloat16 (emulated, '
                      'slower than float32); --amp is the faster choice',
                      logger='current', level=logging.WARNING)
        cfg.optim_wrapper.type = 'AutocastOptimWrapper'
        # a float16 recipe's loss scaling has no use in bfloat16
        for key in ('loss_scale', 'dtype'):
            cfg.optim_wrapper.pop(key, None)
    if args.resume is not None:
        cfg.resume = True
        cfg.load_from = None if args.resume == 'auto' else args.resume
    if cfg.get('resume', False):
        # a complete checkpoint only; --resume never falls back to training
        # from scratch
        cfg.load_from = resume_checkpoint(cfg.work_dir, cfg.load_from,
                                          required=args.resume is not None)
        cfg.resume = cfg.load_from is not None
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)

    def train() -> None:
        cfg = merge_args(cli.load_config(args), args)
        cli.build_runner(cfg, args.launcher).train()

    cli.run_cli(train, args.debug)


if __name__ == '__main__':
    main()
