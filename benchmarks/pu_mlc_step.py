"""PU-MLC vs BCE: loss forward+backward and full training steps.

Target (issue 4): the PU-MLC loss costs at most 3x BCE; the MixUp second
forward pass is reported as its own line. Everything is timed against
``MaskedBCELoss`` in the same process with interleaved repetitions (robust
to other load on the machine), median reported:

- ``loss``: forward + backward on (B, C) float32 logits with targets in
  {1, 0, -1} at COCO scale (B 64, C 80) and OpenImages scale (B 64,
  C 9600): ``VPULoss``; ``PUMixupConsistencyLoss`` on the (B/2, C) mixed
  logits (soft targets from the main logits); both together.
- ``step``: one training step (preprocessor, forward(s), loss, backward,
  Adam) on the same batch (64 DigitMosaic-size 32x32 images, 10 classes):
  BCE on ResNet_CIFAR-18 (16 wide) + linear head; the same model with
  ``VPULoss`` only; + the MixUp second forward (``PUMLCClassifier``, no LGC,
  linear head): the difference is the "mixup second forward" line; the full
  PU-MLC DigitMosaic model (LGC + SSGRL head + MixUp,
  ``configs/pu_mlc/pu-mlc_r18_digitmosaic-pl40.py``).

Run::

    python benchmarks/pu_mlc_step.py [--reps 50] [--step-reps 6] [--threads 1]
"""
import os.path as osp
from typing import Callable, Dict

import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample
from timing import (
    interleaved,
    loss_tables,
    ratio_table,
    start_step_benchmark,
    train_step_fn,
)

import mlc  # noqa: F401
from mlc.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

def loss_fns(batch: int, classes: int) -> Dict[str, Callable]:
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(batch, classes, generator=gen)
    z_mix = torch.randn(batch // 2, classes, generator=gen)
    t = torch.randint(-1, 2, (batch, classes), generator=gen).float()
    bce = MODELS.build(dict(type='MaskedBCELoss', reduction='sum'))
    vpu = MODELS.build(dict(type='VPULoss'))
    mix = MODELS.build(dict(type='PUMixupConsistencyLoss'))

    def run_bce():
        x = z.clone().requires_grad_(True)
        bce(x, t).backward()

    def run_vpu():
        x = z.clone().requires_grad_(True)
        vpu(x, t).backward()

    def run_mix(with_vpu: bool):
        x = z.clone().requires_grad_(True)
        xm = z_mix.clone().requires_grad_(True)
        soft = mix.soft_targets(x, t)
        half = batch // 2
        t_mix = 0.3 * soft[:half] + 0.7 * soft[batch - half:]
        loss = mix(xm, t_mix)
        if with_vpu:
            loss = loss + vpu(x, t)
        loss.backward()

    return {'MaskedBCELoss': run_bce, 'VPULoss': run_vpu,
            'PUMixupConsistencyLoss': lambda: run_mix(False),
            'VPU + MixUp consistency': lambda: run_mix(True)}


def step_fns() -> Dict[str, Callable]:
    gen = torch.Generator().manual_seed(1)
    samples = []
    for i in range(64):
        sample = DataSample(metainfo=dict(sample_idx=i))
        score = torch.randint(-1, 2, (10, ), generator=gen).float()
        sample.set_gt_score(score)
        samples.append(sample)
    data = dict(inputs=[torch.randint(0, 255, (3, 32, 32), generator=gen,
                                      dtype=torch.uint8) for _ in range(64)],
                data_samples=samples)
    preproc = dict(type='MLCDataPreprocessor', mean=[127.5] * 3,
                   std=[127.5] * 3)
    backbone = dict(type='ResNet_CIFAR', depth=18, stem_channels=16,
                    base_channels=16, out_indices=(3, ))

    def linear(loss):
        return dict(type='MLCLinearHead', num_classes=10, in_channels=128,
                    loss=loss)

    full = Config.fromfile(osp.join(
        ROOT, 'configs/pu_mlc/pu-mlc_r18_digitmosaic-pl40.py')).model
    models = {
        'BCE (r18 + linear)': dict(
            type='ImageClassifier', data_preprocessor=preproc,
            backbone=backbone, neck=dict(type='GlobalAveragePooling'),
            head=linear(dict(type='MaskedBCELoss', reduction='sum'))),
        'VPU loss only (same model)': dict(
            type='PUMLCClassifier', data_preprocessor=preproc,
            backbone=backbone, neck=dict(type='GlobalAveragePooling'),
            head=linear(dict(type='VPULoss')), lgc=None, mix_loss=None,
            frozen_stages=-1, norm_eval_all=False),
        'VPU + MixUp (2nd forward)': dict(
            type='PUMLCClassifier', data_preprocessor=preproc,
            backbone=backbone, neck=dict(type='GlobalAveragePooling'),
            head=linear(dict(type='VPULoss')), lgc=None,
            frozen_stages=-1, norm_eval_all=False),
        'full PU-MLC (LGC + SSGRL + MixUp)': full.to_dict(),
    }
    fns = {}
    state = None
    for name, cfg in models.items():
        with DefaultScope.overwrite_default_scope('mlc'):
            model = MODELS.build(cfg)
        if hasattr(model.head, 'set_adjacency'):
            model.head.set_adjacency(np.eye(10))
        if state is None:
            state = model.backbone.state_dict()
        model.backbone.load_state_dict(state, strict=False)
        model.train()
        fns[name] = train_step_fn(model, data)
    return fns


def main() -> None:
    args = start_step_benchmark(__doc__, step_reps=6,
                                init_default_scope=False)
    print(f'torch {torch.__version__}, {args.threads} thread(s)')
    loss_tables(loss_fns, args.reps,
                'loss forward+backward, {scale}, {reps} reps')
    times = interleaved(step_fns(), args.step_reps)
    base = 'BCE (r18 + linear)'
    ratio_table(f'training step, DigitMosaic batch 64, {args.step_reps} '
                'reps', times, base, column='what')
    second = (times['VPU + MixUp (2nd forward)'] -
              times['VPU loss only (same model)'])
    print(f'| mixup second forward pass alone | {second * 1e3:.3f} | '
          f'{second / times[base]:.2f}x |')


if __name__ == '__main__':
    main()
