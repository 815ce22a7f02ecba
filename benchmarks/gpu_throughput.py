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
import sys
import tempfile
from typing import Dict, List

import torch

sys.path[:0] = [osp.dirname(osp.dirname(osp.abspath(__file__))),
                osp.dirname(osp.abspath(__file__))]

from gpu_plain_loop import run_plain  # noqa: E402
from gpu_recipes import RECIPES, TOY_SHRINK, TOY_SIDE, run_mlc  # noqa: E402
from synthetic_coco import write_synthetic_coco  # noqa: E402

import mlc  # noqa: E402,F401


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
