"""Model configs, a two-process run and the loading of repository scripts
shared by several test modules."""
import importlib.util
import os.path as osp
import types
from typing import Callable, Optional, Tuple

import torch
import torch.multiprocessing as mp

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_script(path: str, name: Optional[str] = None) -> types.ModuleType:
    """The repository script ``path`` (relative to the repository root,
    e.g. ``'tools/train.py'``) as a module named ``name`` (default: the
    file's stem), without running its ``__main__`` block."""
    name = name or osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, osp.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unit_preprocessor() -> dict:
    """An ``MLCDataPreprocessor`` that only scales uint8 pixels to [0, 1]."""
    return dict(type='MLCDataPreprocessor', mean=[0., 0., 0.],
                std=[255., 255., 255.])


def resnet_cifar(depth: int, width: int, **kwargs) -> dict:
    """A ``ResNet_CIFAR`` config of ``depth`` whose stem and first stage are
    ``width`` channels wide; ``kwargs`` are its other arguments."""
    return dict(type='ResNet_CIFAR', depth=depth, stem_channels=width,
                base_channels=width, **kwargs)


def co_learning_model_cfg(num_classes: int, neck_channels: int, std: float,
                          balanced_loss: dict, **kwargs) -> dict:
    """A tiny ``CoLearningClassifier``: ResNet_CIFAR-18 4 wide (32-channel
    features), one PFC stitch neck and linear head per branch (BCE on the
    random branch, ``balanced_loss`` on the balanced one); ``kwargs`` are
    the other classifier arguments."""
    def branch(dropout, loss):
        return dict(neck=dict(type='PFCStitchNeck', in_channels=32,
                              out_channels=neck_channels, dropout=dropout),
                    head=dict(type='MLCLinearHead', num_classes=num_classes,
                              in_channels=neck_channels, loss=loss))

    return dict(
        type='CoLearningClassifier',
        data_preprocessor=dict(type='CoLearningDataPreprocessor',
                               mean=[0.] * 3, std=[std] * 3),
        backbone=resnet_cifar(18, 4),
        branches=dict(random=branch(0., dict(type='MaskedBCELoss')),
                      balanced=branch(0.5, balanced_loss)),
        **kwargs)


def comic_model_cfg(num_classes: int) -> dict:
    """A tiny ``ComicClassifier``: ResNet_CIFAR-18 8 wide, trainable trunk,
    16-channel neck, RLC threshold 0.5."""
    return dict(
        type='ComicClassifier',
        data_preprocessor=unit_preprocessor(),
        trunk=resnet_cifar(18, 8, out_indices=(3, )),
        trunk_frozen=False,
        neck=dict(type='ComicFeatNeck', in_channels=64, out_channels=16),
        head=dict(type='ComicHead', num_classes=num_classes, in_channels=16,
                  rlc_loss=dict(type='RLCLoss', tau=0.5)))


def rank_start_method() -> str:
    """Start method of the processes of the multi-rank tests: not fork (a
    fork of a process whose OpenMP pool is running can deadlock inside
    torch ops) but a fork server, a fresh single-threaded interpreter that
    imports torch and mlc once per pytest process; a spawned rank
    re-imported them (~5 CPU-seconds per rank)."""
    mp.get_context('forkserver').set_forkserver_preload(
        ['mlc.engine', 'mlc.models'])
    return 'forkserver'


def run_two_ranks(worker: Callable, tmp_path) -> Tuple[dict, dict]:
    """Run ``worker(rank, 2, init_file, out_dir)`` in two processes (see
    ``rank_start_method``) and load what each rank saved to
    ``out_dir/rank{rank}.pth``."""
    mp.start_processes(worker, args=(2, str(tmp_path / 'init'),
                                     str(tmp_path)),
                       nprocs=2, join=True, start_method=rank_start_method())
    r0, r1 = (torch.load(tmp_path / f'rank{r}.pth', weights_only=True)
              for r in range(2))
    return r0, r1
