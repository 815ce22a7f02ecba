"""Missing-label losses vs MaskedBCELoss: loss forward+backward and full step.

Target (issue 4): no loss costs more than 3x BCE. Two measurements, each
timed against ``MaskedBCELoss`` in the same process with interleaved
repetitions (robust to other load on the machine), median reported:

- ``loss``: forward + backward of the loss alone on (B, C) float32 logits
  with targets in {1, 0, -1} (about 30% unknown), at COCO scale (B 64,
  C 80) and OpenImages scale (B 64, C 9600).
- ``step``: one training step (data preprocessor, forward, loss, backward,
  Adam update) of the DigitMosaic model (ResNet_CIFAR-18, 16 channels,
  batch 64 of 32x32, 10 classes) with each loss head vs the BCE head, same
  weights and batch.

Run::

    python benchmarks/loss_speed.py [--reps 50] [--step-reps 8]
"""
import argparse
from typing import Callable, Dict

import torch
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample
from timing import SCALES, interleaved

import mlc  # noqa: F401
from mlc.registry import MODELS
from mlc.utils import register_all_modules

LOSSES = {
    'MaskedBCELoss': dict(type='MaskedBCELoss', reduction='sum'),
    'MaskedFocalLoss': dict(type='MaskedFocalLoss'),
    'MaskedASLLoss': dict(type='MaskedASLLoss', gamma_pos=0.),
    'WANLoss': dict(type='WANLoss'),
    'HillLoss': dict(type='HillLoss'),
    'SPLCLoss': dict(type='SPLCLoss'),
}

def build_loss(cfg: dict):
    loss = MODELS.build(cfg)
    if hasattr(loss, 'set_epoch'):
        loss.set_epoch(1)  # SPLC with correction active
    return loss


def loss_fns(batch: int, classes: int) -> Dict[str, Callable]:
    gen = torch.Generator().manual_seed(0)
    z = torch.randn(batch, classes, generator=gen)
    t = torch.randint(-1, 2, (batch, classes), generator=gen).float()
    t[torch.rand(batch, classes, generator=gen) < 0.4] = 0

    def make(loss):
        def fn():
            x = z.clone().requires_grad_(True)
            loss(x, t).backward()
        return fn

    return {name: make(build_loss(cfg)) for name, cfg in LOSSES.items()}


def step_fns() -> Dict[str, Callable]:
    gen = torch.Generator().manual_seed(1)
    data = dict(
        inputs=[torch.randint(0, 255, (3, 32, 32), generator=gen,
                              dtype=torch.uint8) for _ in range(64)],
        data_samples=[DataSample(metainfo=dict(sample_idx=i)).set_gt_score(
            torch.randint(-1, 2, (10, ), generator=gen).float())
            for i in range(64)])
    fns = {}
    state = None
    for name, cfg in LOSSES.items():
        model = MODELS.build(dict(
            type='ImageClassifier',
            data_preprocessor=dict(type='MLCDataPreprocessor',
                                   mean=[127.5] * 3, std=[127.5] * 3),
            backbone=dict(type='ResNet_CIFAR', depth=18, stem_channels=16,
                          base_channels=16, out_indices=(3, )),
            neck=dict(type='GlobalAveragePooling'),
            head=dict(type='MLCLinearHead', num_classes=10, in_channels=128,
                      loss=cfg)))
        if state is None:
            state = model.state_dict()
        model.load_state_dict(state)
        if hasattr(model.head.loss_module, 'set_epoch'):
            model.head.loss_module.set_epoch(1)
        wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-4))
        fns[name] = (lambda m, w: lambda: m.train_step(data, w))(model,
                                                                 wrapper)
    return fns


def report(title: str, times: Dict[str, float], unit: float,
           unit_name: str) -> None:
    base = times['MaskedBCELoss']
    print(f'\n{title}')
    print(f'| loss | time ({unit_name}) | ratio vs BCE |')
    print('|---|---|---|')
    for name, sec in times.items():
        print(f'| {name} | {sec * unit:.3f} | {sec / base:.2f}x |')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--reps', type=int, default=50)
    parser.add_argument('--step-reps', type=int, default=8)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads (1: less noise on shared CPUs)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    for title, (batch, classes) in SCALES.items():
        report(f'Loss forward+backward, {title}, median of {args.reps}',
               interleaved(loss_fns(batch, classes), args.reps), 1e3, 'ms')
    report('Training step, DigitMosaic ResNet_CIFAR-18, batch 64, median of '
           f'{args.step_reps}', interleaved(step_fns(), args.step_reps), 1e3,
           'ms')


if __name__ == '__main__':
    main()
