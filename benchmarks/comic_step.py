"""COMIC training step vs a single-branch BCE step (same trunk and batch).

Target (issue 5): the COMIC step costs ≤ 1.5x the BCE step, because the
trunk runs once per batch and the three branches share it. Two settings:

- ``digitmosaic``: trainable ResNet_CIFAR-18 (16 channels), batch 64 of
  32x32 images, 10 classes (the DigitMosaic config).
- ``paper``: frozen ResNet-50 (the paper's linear-probe setting) at 224x224,
  batch ``--paper-batch`` (default 8 on CPU), 80 classes;
  the BCE baseline is a linear classifier on the same frozen trunk.

Steps of both models are interleaved (robust to other load on the machine)
and the median step time is reported. Run::

    python benchmarks/comic_step.py [--iters 10] [--settings digitmosaic paper]
"""
import argparse
import statistics
import time

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

import mlc  # noqa: F401
from mlc.registry import MODELS
from mlc.utils import register_all_modules

SETTINGS = {
    'digitmosaic': dict(
        trunk=dict(type='ResNet_CIFAR', depth=18, stem_channels=16,
                   base_channels=16, out_indices=(3, )),
        feat=128, branch=128, classes=10, size=32, frozen=False),
    'paper': dict(
        trunk=dict(type='ResNet', depth=50, out_indices=(3, )),
        feat=2048, branch=1024, classes=80, size=224, frozen=True),
}


def build_models(cfg):
    """(BCE model, COMIC model) on the same trunk config."""
    bce = MODELS.build(dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='MLCDataPreprocessor'),
        backbone=cfg['trunk'],
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='MLCLinearHead', num_classes=cfg['classes'],
                  in_channels=cfg['feat'],
                  loss=dict(type='MaskedBCELoss'))))
    if cfg['frozen']:
        bce.backbone.requires_grad_(False)
    comic = MODELS.build(dict(
        type='ComicClassifier',
        data_preprocessor=dict(type='MLCDataPreprocessor'),
        trunk=cfg['trunk'], trunk_frozen=cfg['frozen'],
        neck=dict(type='ComicFeatNeck', in_channels=cfg['feat'],
                  out_channels=cfg['branch']),
        head=dict(type='ComicHead', num_classes=cfg['classes'],
                  in_channels=cfg['branch'])))
    gen = torch.Generator().manual_seed(0)
    counts = torch.randint(5, 1000, (cfg['classes'], ), generator=gen)
    comic.head.set_class_stats(counts.float(),
                               torch.diag(counts.float()) + 1)
    comic.head.set_epoch(0)
    return bce, comic


def make_batch(cfg, batch_size):
    gen = torch.Generator().manual_seed(1)
    inputs = [torch.randint(0, 255, (3, cfg['size'], cfg['size']),
                            generator=gen, dtype=torch.uint8)
              for _ in range(batch_size)]
    samples = []
    for i in range(batch_size):
        score = torch.randint(-1, 2, (cfg['classes'], ), generator=gen)
        samples.append(DataSample(metainfo=dict(sample_idx=i))
                       .set_gt_score(score.float()))
    return dict(inputs=inputs, data_samples=samples)


def time_steps(setting, batch_size, iters, warmup=2):
    cfg = SETTINGS[setting]
    models = build_models(cfg)
    wrappers = [OptimWrapper(torch.optim.Adam(
        [p for p in m.parameters() if p.requires_grad], lr=1e-4))
        for m in models]
    data = make_batch(cfg, batch_size)
    times = ([], [])
    for it in range(warmup + iters):
        for i, (model, wrapper) in enumerate(zip(models, wrappers)):
            model.train()
            start = time.perf_counter()
            model.train_step(data, wrapper)
            if it >= warmup:
                times[i].append(time.perf_counter() - start)
    bce, comic = (statistics.median(t) for t in times)
    return bce, comic


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--paper-batch', type=int, default=8)
    parser.add_argument('--settings', nargs='+', default=list(SETTINGS),
                        choices=list(SETTINGS))
    args = parser.parse_args()
    register_all_modules()
    torch.manual_seed(0)
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads')
    print('| setting | batch | BCE step (ms) | COMIC step (ms) | ratio |')
    print('|---|---|---|---|---|')
    for setting in args.settings:
        batch = 64 if setting == 'digitmosaic' else args.paper_batch
        bce, comic = time_steps(setting, batch, args.iters)
        print(f'| {setting} | {batch} | {bce * 1e3:.1f} | {comic * 1e3:.1f} '
              f'| {comic / bce:.2f}x |')


if __name__ == '__main__':
    main()
