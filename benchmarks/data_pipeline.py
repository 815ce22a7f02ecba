"""Decode + augment throughput per core: mlc's train pipelines vs the
authors' PIL + torchvision pipelines, side by side on the same JPEGs.

For each recipe, mlc's ``train_pipeline`` (from the recipe config, built
from the registry: mmcv decoding, then the configured transforms and
``PackInputs``) and the authors' pipeline written with PIL +
``torchvision.transforms`` (``Image.open().convert('RGB')``, the same
augmentations, ``ToTensor``) process the same synthetic COCO-sized JPEGs in
one process with one thread; passes over the images are interleaved and the
median pass gives images/s per core. Normalisation is left out on both
sides (mlc normalises the batch in the model's data preprocessor).

- ``hill`` (Hill/SPLC/ASL, 448): Resize 448 + CutoutPIL 0.5 + RandAugment.
  The authors' RandAugment is the pip package ``randaugment`` (not
  installed here); torchvision's ``RandAugment(num_ops=2)`` (PIL ops too)
  stands in for it.
- ``comic`` (224): RandomResizedCrop(224, 0.08-1) + flip.
- ``pu_mlc`` (448): Resize 512 bicubic, random square crop of 512/448/384/
  320/256, Resize 448 bicubic, flip.
- ``stitchup`` (224): photometric distortion, relative random crop (0.8-1
  of each side), Resize 224, flip. The authors' code used an mmcv-style
  numpy pipeline; the torchvision column is the equivalent
  ``ColorJitter`` + ``RandomResizedCrop(scale 0.64-1, ratio 0.5-2)``.

Run::

    python benchmarks/data_pipeline.py [--images 64] [--reps 5]
"""
import argparse
import os
import os.path as osp
import random
import statistics
import sys
import tempfile
import time
from typing import Callable, Dict, List

import cv2
import numpy as np
import torch
from mmengine.config import Config
from PIL import Image, ImageDraw
from torchvision import transforms as T

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path[:0] = [ROOT, osp.dirname(osp.abspath(__file__))]

from synthetic_coco import write_synthetic_coco  # noqa: E402

import mlc  # noqa: E402,F401
from mlc.registry import TRANSFORMS  # noqa: E402
from mlc.utils import register_all_modules  # noqa: E402

RECIPES = {
    'hill': 'configs/hill/hill_r50_coco2014-0.4left.py',
    'comic': 'configs/comic/comic_r50_plt-coco.py',
    'pu_mlc': 'configs/pu_mlc/pu-mlc_r101-lgc_coco2014-p0.1.py',
    'stitchup': 'configs/stitchup/stitchup_r50_coco-mlt-noise50.py',
}


class CutoutPIL:
    """The ASL/Hill code's ``CutoutPIL``: one rectangle of side
    ``factor * side`` at a uniform centre, filled with a random colour."""

    def __init__(self, factor: float = 0.5) -> None:
        self.factor = factor

    def __call__(self, img: Image.Image) -> Image.Image:
        draw = ImageDraw.Draw(img)
        w, h = img.size
        hh, hw = int(self.factor * h + 0.5), int(self.factor * w + 0.5)
        yc, xc = np.random.randint(h), np.random.randint(w)
        box = (np.clip(xc - hw // 2, 0, w), np.clip(yc - hh // 2, 0, h),
               np.clip(xc + hw // 2, 0, w), np.clip(yc + hh // 2, 0, h))
        draw.rectangle(box, fill=tuple(random.randint(0, 255)
                                       for _ in range(3)))
        return img


def authors_pipeline(recipe: str) -> Callable[[str], torch.Tensor]:
    """PIL decoding + the recipe's torchvision transforms."""
    steps = {
        'hill': [T.Resize((448, 448)), CutoutPIL(0.5),
                 T.RandAugment(num_ops=2)],
        'comic': [T.RandomResizedCrop(224, scale=(0.08, 1.0)),
                  T.RandomHorizontalFlip()],
        'pu_mlc': [
            T.Resize((512, 512), T.InterpolationMode.BICUBIC),
            T.RandomChoice([T.RandomCrop(s)
                            for s in (512, 448, 384, 320, 256)]),
            T.Resize((448, 448), T.InterpolationMode.BICUBIC),
            T.RandomHorizontalFlip()],
        'stitchup': [
            T.ColorJitter(brightness=32 / 255, contrast=(0.5, 1.5),
                          saturation=(0.5, 1.5), hue=18 / 360),
            T.RandomResizedCrop(224, scale=(0.64, 1.0), ratio=(0.5, 2.0)),
            T.RandomHorizontalFlip()],
    }[recipe]
    compose = T.Compose([*steps, T.ToTensor()])

    def run(path: str) -> torch.Tensor:
        with open(path, 'rb') as f:
            img = Image.open(f).convert('RGB')
        return compose(img)
    return run


def mlc_pipeline(recipe: str) -> Callable[[str], dict]:
    """The recipe config's ``train_pipeline`` built from the registry."""
    cfg = Config.fromfile(osp.join(ROOT, RECIPES[recipe]))
    steps = [TRANSFORMS.build(t) for t in cfg.train_pipeline]

    def run(path: str) -> dict:
        results = dict(img_path=path, gt_score=torch.zeros(80))
        for step in steps:
            results = step(results)
        return results
    return run


def throughput(pipelines: Dict[str, Callable], paths: List[str],
               reps: int) -> Dict[str, float]:
    """Images/s of each pipeline: median of interleaved passes."""
    times: Dict[str, List[float]] = {k: [] for k in pipelines}
    for rep in range(reps + 1):  # the first pass warms up
        for name, run in pipelines.items():
            start = time.perf_counter()
            for path in paths:
                run(path)
            if rep:
                times[name].append(time.perf_counter() - start)
    return {k: len(paths) / statistics.median(v) for k, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--recipes', nargs='+', default=list(RECIPES),
                        choices=list(RECIPES))
    parser.add_argument('--images', type=int, default=64)
    parser.add_argument('--reps', type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    register_all_modules(init_default_scope=True)
    np.random.seed(0)
    random.seed(0)
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as root:
        write_synthetic_coco(root, args.images)
        paths = sorted(osp.join(root, 'images', p) for p in
                       os.listdir(osp.join(root, 'images')))
        print(f'{len(paths)} synthetic COCO-sized JPEGs, 1 thread, median '
              f'of {args.reps} interleaved passes')
        print('| recipe | mlc pipeline (img/s/core) | authors\' PIL + '
              'torchvision (img/s/core) | mlc / authors |')
        print('|---|---|---|---|')
        for recipe in args.recipes:
            speed = throughput(dict(mlc=mlc_pipeline(recipe),
                                    authors=authors_pipeline(recipe)),
                               paths, args.reps)
            print(f'| {recipe} | {speed["mlc"]:.1f} | '
                  f'{speed["authors"]:.1f} | '
                  f'{speed["mlc"] / speed["authors"]:.2f}x |', flush=True)


if __name__ == '__main__':
    main()
