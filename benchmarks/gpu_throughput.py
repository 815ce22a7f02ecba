"""GPU readiness: training throughput of the real recipes' shapes through the
real data pipeline, against a plain PyTorch loop with torchvision decoding.

Recipes (their configs, unchanged except data paths, loader flags, AMP, no
pretrained download, no validation):

- ``hill``: ResNet-50 at 448, Hill loss (the Hill/SPLC recipe shape),
  Cutout + RandAugment pipeline, EMA.
- ``comic``: frozen ResNet-50 at 224, three COMIC branches.
- ``stitchup``: the Stitch-Up co-learning dual branch (two loaders, anchor +
  partner images per sample), ResNet-50 at 224.
- ``pu_mlc``: ResNet-101 + LGC at 448, SSGRL head, VPU + MixUp.

Each recipe trains on synthetic COCO-sized JPEGs (``synthetic_coco.py``)
through its config's train pipeline and dataset classes, with the Runner of
``tools/train.py``; on a GPU with AMP, channels_last, pinned memory and
persistent workers. The baseline is a plain PyTorch loop on the same files:
``torchvision.io.decode_jpeg`` + ``transforms.v2`` (resize to the recipe's
side, flip) in the same number of workers, torchvision's ResNet of the same
depth with a linear multi-label head (trunk frozen for ``comic``), BCE, the
same AMP / channels_last / loader flags and batch size.

Reported per loop: images/s (decoded images; Stitch-Up: anchors and
partners of both branches), data-loading stall fraction (time waiting for
the next batch / total iteration time) and peak memory (CUDA max allocated;
on a CPU the peak RSS of the main process). On a CPU, ``--toy`` runs tiny
images and batches (a smoke test of the whole path, not a speed claim)::

    python benchmarks/gpu_throughput.py                   # GPU, full size
    python benchmarks/gpu_throughput.py --toy --recipes hill --iters 2
"""
import argparse
import json
import os
import os.path as osp
import resource
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Tuple

import torch
import torch.nn.functional as F
import torchvision
from mmengine.config import Config
from mmengine.hooks import Hook
from torch.utils.data import DataLoader, Dataset
from torchvision.io import decode_jpeg, read_file
from torchvision.transforms import v2

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path[:0] = [ROOT, osp.dirname(osp.abspath(__file__))]

from synthetic_coco import NUM_CLASSES, write_synthetic_coco  # noqa: E402

import mlc  # noqa: E402,F401
from mlc.utils.cli import build_runner  # noqa: E402

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


class StopTiming(Exception):
    """Raised by the timer once enough iterations are measured."""


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


def count_images(batch: Any) -> int:
    """Decoded images in a data batch (nested lists / dicts of CHW or NCHW
    tensors)."""
    if isinstance(batch, torch.Tensor):
        return batch.shape[0] if batch.dim() == 4 else 1
    if isinstance(batch, dict):
        if 'inputs' in batch:
            return count_images(batch['inputs'])
        return sum(count_images(v) for v in batch.values())
    if isinstance(batch, (list, tuple)):
        return sum(count_images(v) for v in batch)
    return 0


class Meter:
    """Wait (data) and step times of the timed iterations, peak memory."""

    def __init__(self, warmup: int, iters: int) -> None:
        self.warmup, self.iters = warmup, iters
        self.seen = 0
        self.wait = self.step = 0.
        self.images = 0
        self.mark = None

    def fetched(self) -> float:
        now = time.perf_counter()
        if self.mark is not None and self.seen >= self.warmup:
            self.wait += now - self.mark
        return now

    def finished(self, started: float, images: int) -> bool:
        """Record one iteration; True once ``iters`` are timed."""
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        now = time.perf_counter()
        if self.seen >= self.warmup:
            self.step += now - started
            self.images += images
        self.seen += 1
        if self.seen == self.warmup:
            reset_peak_memory()
        self.mark = time.perf_counter()
        return self.seen >= self.warmup + self.iters

    def result(self) -> Dict[str, float]:
        total = self.wait + self.step
        return dict(images_per_s=self.images / total,
                    stall_fraction=self.wait / total,
                    peak_memory_mib=peak_memory_mib(),
                    iterations=self.seen - self.warmup)


def reset_peak_memory() -> None:
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()
        return
    try:  # Linux: reset the process's peak RSS (VmHWM)
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
    except OSError:
        pass


def peak_memory_mib() -> float:
    if torch.cuda.is_available():
        return torch.cuda.max_memory_allocated() / 2**20
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class FetchHook(Hook):
    """Marks the arrival of a batch (runs before the other hooks)."""

    priority = 'HIGHEST'

    def __init__(self, meter: Meter) -> None:
        self.meter, self.started = meter, 0.

    def before_train_iter(self, runner, batch_idx, data_batch=None) -> None:
        self.started = self.meter.fetched()


class DoneHook(Hook):
    """Ends the iteration's timing (runs after the other hooks)."""

    priority = 'LOWEST'

    def __init__(self, meter: Meter, fetch: FetchHook) -> None:
        self.meter, self.fetch = meter, fetch

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if self.meter.finished(self.fetch.started, count_images(data_batch)):
            raise StopTiming


def to_channels_last(batch: Any) -> Any:
    """Every NCHW tensor in ``batch`` (nested dicts / lists) as
    channels_last."""
    if isinstance(batch, torch.Tensor) and batch.dim() == 4:
        return batch.contiguous(memory_format=torch.channels_last)
    if isinstance(batch, dict):
        return type(batch)({k: to_channels_last(v) for k, v in batch.items()})
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_channels_last(v) for v in batch)
    return batch


def channels_last_inputs(preprocessor: torch.nn.Module) -> None:
    """Make the data preprocessor return channels_last image batches."""
    forward = preprocessor.forward

    def wrapped(*args, **kwargs):
        out = forward(*args, **kwargs)
        if isinstance(out, dict):  # inputs, co-learning's partner_inputs
            for key in [k for k in out if k.endswith('inputs')]:
                out[key] = to_channels_last(out[key])
        return out
    preprocessor.forward = wrapped


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


class PlainJPEGs(Dataset):
    """The synthetic set read with ``torchvision.io`` + ``transforms.v2``."""

    def __init__(self, root: str, side: int) -> None:
        with open(osp.join(root, 'train.json')) as f:
            data = json.load(f)['data_list']
        self.paths = [osp.join(root, 'images', d['img_path']) for d in data]
        self.targets = torch.zeros(len(data), NUM_CLASSES)
        for i, d in enumerate(data):
            self.targets[i, d['pos']] = 1
        self.transform = v2.Compose([
            v2.Resize((side, side), antialias=True),
            v2.RandomHorizontalFlip()])

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, idx: int) -> Tuple[torch.Tensor, torch.Tensor]:
        img = decode_jpeg(read_file(self.paths[idx]))
        return self.transform(img), self.targets[idx]


def run_plain(recipe: str, data_root: str, batch: int,
              args: argparse.Namespace) -> Dict[str, float]:
    """Time a plain PyTorch loop: torchvision decoding, ResNet + BCE."""
    _, side, arch, frozen = RECIPES[recipe]
    side = TOY_SIDE if args.toy else side
    cuda = torch.cuda.is_available()
    device = torch.device('cuda' if cuda else 'cpu')
    loader = DataLoader(
        PlainJPEGs(data_root, side), batch_size=batch, shuffle=True,
        num_workers=args.workers, persistent_workers=args.workers > 0,
        pin_memory=cuda, drop_last=True)
    model = getattr(torchvision.models, arch)(num_classes=NUM_CLASSES)
    if frozen:
        for name, param in model.named_parameters():
            param.requires_grad_(name.startswith('fc.'))
    model = model.to(device).train()
    memory_format = (torch.channels_last if args.channels_last
                     else torch.contiguous_format)
    model = model.to(memory_format=memory_format)
    optimizer = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=1e-4)
    scaler = torch.amp.GradScaler(device.type, enabled=cuda)
    mean = torch.tensor([123.675, 116.28, 103.53], device=device)
    std = torch.tensor([58.395, 57.12, 57.375], device=device)
    meter = Meter(args.warmup, args.iters)
    while True:
        for images, targets in loader:
            started = meter.fetched()
            x = images.to(device, non_blocking=True).float()
            x = ((x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1))
            x = x.contiguous(memory_format=memory_format)
            y = targets.to(device, non_blocking=True)
            with torch.autocast(device.type, enabled=cuda):
                loss = F.binary_cross_entropy_with_logits(model(x).float(),
                                                          y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            if meter.finished(started, images.shape[0]):
                return dict(meter.result(), batch=batch)


def parse_args(argv: List[str] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--recipes', nargs='+', default=list(RECIPES),
                        choices=list(RECIPES))
    parser.add_argument('--images', type=int, default=512,
                        help='synthetic JPEGs (reused across epochs)')
    parser.add_argument('--iters', type=int, default=30,
                        help='timed iterations per loop')
    parser.add_argument('--warmup', type=int, default=5)
    parser.add_argument('--workers', type=int,
                        default=min(8, os.cpu_count() or 1))
    parser.add_argument('--batch', type=int,
                        help='per-device batch (default: the recipe\'s)')
    parser.add_argument('--toy', action='store_true',
                        help=f'{TOY_SIDE}px inputs from small JPEGs (CPU '
                        'smoke run)')
    parser.add_argument('--no-channels-last', dest='channels_last',
                        action='store_false')
    parser.add_argument('--json', help='also write the results here')
    return parser.parse_args(argv)


def main(argv: List[str] = None) -> Dict[str, Dict[str, dict]]:
    args = parse_args(argv)
    results: Dict[str, Dict[str, dict]] = {}
    with tempfile.TemporaryDirectory() as data_root:
        write_synthetic_coco(data_root, args.images,
                             shrink=TOY_SHRINK if args.toy else 1)
        for recipe in args.recipes:
            mlc_result = run_mlc(recipe, data_root, args)
            plain = run_plain(recipe, data_root, mlc_result['batch'], args)
            results[recipe] = dict(mlc=mlc_result, plain=plain)
    device = (torch.cuda.get_device_name() if torch.cuda.is_available()
              else f'CPU, {torch.get_num_threads()} threads')
    print(f'{device}; {args.workers} loader workers; AMP '
          f'{torch.cuda.is_available()}, channels_last {args.channels_last}'
          f'; {args.iters} timed iterations after {args.warmup} warm-up'
          + (' (toy sizes)' if args.toy else ''))
    print('| recipe | loop | batch | images/s | stall fraction | '
          'peak memory (MiB) | images/s vs plain |')
    print('|---|---|---|---|---|---|---|')
    for recipe, loops in results.items():
        for name, r in loops.items():
            ratio = r['images_per_s'] / loops['plain']['images_per_s']
            print(f'| {recipe} | {name} | {r["batch"]} | '
                  f'{r["images_per_s"]:.1f} | {r["stall_fraction"]:.2f} | '
                  f'{r["peak_memory_mib"]:.0f} | {ratio:.2f}x |')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return results


if __name__ == '__main__':
    main()
