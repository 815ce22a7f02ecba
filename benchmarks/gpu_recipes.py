"""The recipes of ``gpu_throughput.py`` and their timed training through
the recipe config's own Runner."""
import argparse
import os.path as osp
import tempfile
from typing import Any, Callable, Dict

import torch
from gpu_meter import (
    DoneHook,
    FetchHook,
    Meter,
    StopTiming,
    channels_last_inputs,
)
from mmengine.config import Config

from mlc.utils.cli import build_runner

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

#: recipe -> (config, input side, torchvision trunk, trunk frozen)
RECIPES = {
    'hill': ('configs/hill/hill_r50_coco2014-0.4left.py', 448, 'resnet50',
             False),
    'comic': ('configs/comic/comic_r50_plt-coco.py', 224, 'resnet50', True),
    'stitchup': ('configs/stitchup/stitchup_r50_coco-mlt-noise50.py', 224,
                 'resnet50', False),
    'pu_mlc': ('configs/pu_mlc/pu-mlc_r101-lgc_coco2014-p0.1.py', 448,
               'resnet101', False),
}
#: toy run (CPU test): image side after the pipeline and JPEG shrink factor
TOY_SIDE, TOY_SHRINK = 64, 8
#: datasets whose items depend on the epoch: their workers must restart
#: every epoch (the dual-loader loop refuses persistent workers)
EPOCH_AWARE = ('StitchUpDataset', )
#: pipeline keys that hold output sizes (scaled in toy runs)
SIZE_KEYS = ('scale', 'crop_size', 'sizes')


def walk(node: Any, fn: Callable[[dict], None]) -> None:
    """Call ``fn`` on every dict nested in ``node`` (dicts and lists)."""
    if isinstance(node, dict):
        fn(node)
        for value in list(node.values()):
            walk(value, fn)
    elif isinstance(node, (list, tuple)):
        for value in node:
            walk(value, fn)


def _scaled(value: Any, factor: float) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(_scaled(v, factor) for v in value)
    return max(4, int(value * factor)) if isinstance(value, int) else value


def prepare_config(cfg: Config, recipe: str, data_root: str,
                   args: argparse.Namespace) -> Config:
    """The recipe config reading ``data_root``, with the benchmark's loader
    flags, AMP and no pretrained download / validation / checkpoints."""
    cuda = torch.cuda.is_available()
    split = osp.join(data_root, 'class_split.json')
    factor = TOY_SIDE / RECIPES[recipe][1]

    def rewrite(node: dict) -> None:
        if 'ann_file' in node:
            node.update(data_root=data_root, ann_file='train.json',
                        data_prefix=dict(img_path='images'))
        for key, value in list(node.items()):
            if isinstance(value, str) and value.endswith('_split.json'):
                node[key] = split
            elif key == 'word_vec_file':
                node[key] = osp.join(data_root, 'word_vectors.npy')
        init = node.get('init_cfg')
        if isinstance(init, dict) and init.get('type') == 'Pretrained':
            node['init_cfg'] = None
        if 'sampler' in node and 'dataset' in node:  # a dataloader
            node.update(num_workers=args.workers,
                        persistent_workers=args.workers > 0 and
                        node['dataset'].get('type') not in EPOCH_AWARE,
                        pin_memory=cuda)
            if args.batch:
                node['batch_size'] = args.batch
        if args.toy and node.get('type') not in (None, 'PackInputs'):
            for key in SIZE_KEYS:
                if key in node:
                    node[key] = _scaled(node[key], factor)

    walk(cfg._cfg_dict, rewrite)
    cfg.load_from, cfg.resume = None, False
    for split_name in ('val', 'test'):
        for key in ('dataloader', 'cfg', 'evaluator'):
            cfg[f'{split_name}_{key}'] = None
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=-1,
                                        save_last=False)
    cfg.default_hooks.logger = dict(type='LoggerHook', interval=10**6)
    cfg.train_cfg.max_epochs = 10**4  # stopped by the timer
    cfg.optim_wrapper.type = 'AmpOptimWrapper' if cuda else 'OptimWrapper'
    if not cuda:
        cfg.optim_wrapper.pop('loss_scale', None)
    cfg.env_cfg.dist_cfg = dict(backend='gloo')
    cfg.log_level = 'WARNING'
    return cfg


def run_mlc(recipe: str, data_root: str,
            args: argparse.Namespace) -> Dict[str, float]:
    """Time the recipe's Runner training iterations."""
    cfg = prepare_config(Config.fromfile(osp.join(ROOT, RECIPES[recipe][0])),
                         recipe, data_root, args)
    meter = Meter(args.warmup, args.iters)
    with tempfile.TemporaryDirectory() as work_dir:
        cfg.work_dir = work_dir
        runner = build_runner(cfg, 'none')
        if args.channels_last:
            runner.model.to(memory_format=torch.channels_last)
            channels_last_inputs(runner.model.data_preprocessor)
        fetch = FetchHook(meter)
        runner.register_hook(fetch)
        runner.register_hook(DoneHook(meter, fetch))
        try:
            runner.train()
        except StopTiming:
            pass
    return dict(meter.result(), batch=cfg.train_dataloader.batch_size)
