"""Missing-label losses vs MaskedBCELoss: loss forward+backward and full step.

Target (issue 4): no loss costs more than 3x BCE. Two measurements, each
timed against ``MaskedBCELoss`` in the same process with interleaved
repetitions (robust to other load on the machine), median reported:

- ``loss``: forward + backward of the loss alone on (B, C) float32 logits
  with targets in {1, 0, -1} (about 30% unknown), at COCO scale (B 64,
  C 80) and OpenImages scale (B 64, C 9600).
- ``step``: one training step (data preprocessor, forward, loss, backward,
  Adam update) of the DigitMosaic model as its base config defines it
  (configs/_base_/models/r18-cifar_mlc.py: ResNet_CIFAR-18, 16 channels,
  10 classes; batch 64 of 32x32) with each loss head vs the BCE head, same
  weights and batch.

Run::

    python benchmarks/loss_speed.py [--reps 50] [--step-reps 8]
"""
import copy
import os.path as osp
from typing import Callable, Dict

import torch
from loss_setup import build_loss
from mmengine.config import Config
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

#: the DigitMosaic model (ResNet_CIFAR-18 16 wide, linear head, 10 classes)
MODEL_CFG = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                     'configs', '_base_', 'models', 'r18-cifar_mlc.py')

LOSSES = {
    'MaskedBCELoss': dict(type='MaskedBCELoss', reduction='sum'),
    'MaskedFocalLoss': dict(type='MaskedFocalLoss'),
    'MaskedASLLoss': dict(type='MaskedASLLoss', gamma_pos=0.),
    'WANLoss': dict(type='WANLoss'),
    'HillLoss': dict(type='HillLoss'),
    'SPLCLoss': dict(type='SPLCLoss'),
}


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
    base = Config.fromfile(MODEL_CFG).model
    for name, cfg in LOSSES.items():
        model_cfg = copy.deepcopy(base)
        model_cfg.head.loss = cfg
        model = MODELS.build(model_cfg)
        if state is None:
            state = model.state_dict()
        model.load_state_dict(state)
        if hasattr(model.head.loss_module, 'set_epoch'):
            model.head.loss_module.set_epoch(1)
        fns[name] = train_step_fn(model, data)
    return fns


def main() -> None:
    args = start_step_benchmark(__doc__, step_reps=8,
                                init_default_scope=True)
    loss_tables(loss_fns, args.reps,
                'Loss forward+backward, {scale}, median of {reps}')
    ratio_table('Training step, DigitMosaic ResNet_CIFAR-18, batch 64, '
                f'median of {args.step_reps}',
                interleaved(step_fns(), args.step_reps), 'MaskedBCELoss')


if __name__ == '__main__':
    main()
