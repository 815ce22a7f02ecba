"""Cost of one co-learning training step vs the two branches run separately.

Builds the VOC-MLT-Noise recipe model (ResNet-50 trunk frozen, two layer4
copies, PFC necks, BCE / DB heads, feature-average Stitch-Up, cross
correction) without pretrained weights, and times in the same process:

- the co-learning step (one trunk pass for R and B batches with partners,
  both peer correction passes, both losses, one backward and SGD step);
- branch R alone and branch B alone (single-branch models, same Stitch-Up
  batches, no correction), each a full training step.

The three steps are interleaved in every repetition. Prints the median
times and ``ratio = t_colearning / (t_R + t_B)`` (target
<= 1.3). Defaults are CPU-sized (64 px images, R batch 4, B batch 16); the
recipe's 224 px / 32 / 256 are available by flags on a GPU.

Example::

    python benchmarks/colearning_step.py --reps 5
"""
import argparse
import copy
import statistics
import time

import torch
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from mmpretrain.structures import DataSample

import mlc  # noqa: F401
from mlc.registry import MODELS
from mlc.utils import register_all_modules

CONFIG = 'configs/stitchup/stitchup_r50_voc-mlt-noise50.py'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--batch-r', type=int, default=4)
    parser.add_argument('--batch-b', type=int, default=16)
    parser.add_argument('--reps', type=int, default=5)
    parser.add_argument('--threads', type=int, default=2)
    return parser.parse_args()


def model_cfg(branches=None, correction=True) -> dict:
    cfg = copy.deepcopy(Config.fromfile(CONFIG).model.to_dict())
    cfg['backbone'].pop('init_cfg')
    cfg['training_split'] = dict(head=list(range(0, 6)),
                                 middle=list(range(6, 12)),
                                 tail=list(range(12, 20)))
    loss = cfg['branches']['balanced']['head']['loss']
    loss['class_freq'] = [5 + 30 * c for c in range(20)]
    loss['num_samples'] = 1142
    if branches is not None:
        cfg['branches'] = {k: cfg['branches'][k] for k in branches}
    cfg['correction'] = correction
    return cfg


def batch(num: int, size: int, gen: torch.Generator) -> dict:
    images = [torch.randint(0, 256, (3, size, size), generator=gen,
                            dtype=torch.uint8) for _ in range(2 * num)]
    samples = []
    for i in range(num):
        s = DataSample().set_gt_score(
            (torch.rand(20, generator=gen) < 0.15).float())
        s.set_field((torch.rand(20, generator=gen) < 0.15).float(),
                    'partner_gt_score', dtype=torch.Tensor)
        s.set_metainfo(dict(sample_idx=i, partner_sample_idx=i))
        samples.append(s)
    return dict(inputs=[images[:num], images[num:]], data_samples=samples)


def build(cfg: dict):
    torch.manual_seed(0)
    model = MODELS.build(cfg)
    model.init_weights()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    optim = OptimWrapper(torch.optim.SGD(params, lr=1e-3, momentum=0.9),
                         clip_grad=dict(max_norm=35, norm_type=2))
    return model, optim


def timed(runs: dict, reps: int) -> dict:
    """Median step time of each (model, optim, data) in ``runs``; the runs
    are interleaved in every repetition so drifting machine load affects
    them alike."""
    for model, optim, data in runs.values():
        model.train_step(data, optim)  # warm-up
    times = {name: [] for name in runs}
    for _ in range(reps):
        for name, (model, optim, data) in runs.items():
            start = time.perf_counter()
            model.train_step(data, optim)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    register_all_modules(init_default_scope=True)
    gen = torch.Generator().manual_seed(0)
    data_r = batch(args.batch_r, args.size, gen)
    data_b = batch(args.batch_b, args.size, gen)
    dual = dict(random=data_r, balanced=data_b)
    times = timed(dict(
        co=(*build(model_cfg()), dual),
        only_r=(*build(model_cfg(['random'], False)), data_r),
        only_b=(*build(model_cfg(['balanced'], False)), data_b)), args.reps)
    co, only_r, only_b = times['co'], times['only_r'], times['only_b']
    print(f'images {args.size}px, R batch {args.batch_r} + partners, B batch '
          f'{args.batch_b} + partners, {args.threads} threads, median of '
          f'{args.reps}')
    print(f'co-learning step      {co * 1000:9.1f} ms')
    print(f'branch R step alone   {only_r * 1000:9.1f} ms')
    print(f'branch B step alone   {only_b * 1000:9.1f} ms')
    print(f'ratio co / (R + B)    {co / (only_r + only_b):9.3f}  '
          '(target <= 1.3)')


if __name__ == '__main__':
    main()
