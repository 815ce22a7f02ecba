"""No loss path reads a result back from the device after its first call.

On a GPU, ``.item()``, ``bool(tensor)``, ``int(tensor)``, ``.tolist()``,
``.nonzero()``, ``.cpu()`` ... block the host until the device has caught
up (a host-device synchronisation). The losses validate their inputs on the
first call only (``MLC_CHECK_LOSS_INPUTS=1`` validates every call), so
later calls must make none of these calls. CPU-only machine: the test
patches the synchronising ``Tensor`` methods and counts the calls made while
a frame of ``mlc/models/losses`` is on the stack.
"""
import os
import sys
from contextlib import contextmanager
from typing import Callable, List

import numpy as np
import pytest
import torch
from _helpers import co_learning_model_cfg, resnet_cifar, unit_preprocessor
from conftest import ROOT
from mmengine.config import Config
from mmengine.optim import OptimWrapper, build_optim_wrapper
from mmengine.registry import DefaultScope
from mmpretrain.structures import DataSample

from mlc.models.losses import mlc_loss_base
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)

LOSS_DIR = os.path.join('mlc', 'models', 'losses') + os.sep
SYNC_METHODS = ('item', 'tolist', 'nonzero', 'cpu', 'numpy', '__bool__',
                '__int__', '__float__', '__index__', '__format__')


def _loss_frame():
    """(file, line) of the innermost frame of a loss module, or None.

    PU-MLC's ``mix`` is not counted: it draws its MixUp coefficient from
    torch's host generator (a CPU tensor, never a device sync).
    """
    frame = sys._getframe(2)
    while frame is not None:
        code = frame.f_code
        if LOSS_DIR in code.co_filename:
            if code.co_name == 'mix' and code.co_filename.endswith(
                    'pu_mixup_consistency_loss.py'):
                return None
            return os.path.basename(code.co_filename), frame.f_lineno
        frame = frame.f_back
    return None


@contextmanager
def count_syncs(monkeypatch):
    """Yield a list that collects 'method at file:line' of every
    synchronising call made under a loss module's frame."""
    calls: List[str] = []
    for name in SYNC_METHODS:
        original = getattr(torch.Tensor, name)

        def wrapper(self, *args, _original=original, _name=name, **kwargs):
            where = _loss_frame()
            if where is not None:
                calls.append(f'{_name} at {where[0]}:{where[1]}')
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(torch.Tensor, name, wrapper)
    try:
        yield calls
    finally:
        monkeypatch.undo()


def batch(seed: int, b: int = 8, c: int = 6):
    gen = torch.Generator().manual_seed(seed)
    z = torch.randn(b, c, generator=gen) * 2
    t = torch.randint(-1, 2, (b, c), generator=gen).float()
    t[:, 0] = 1  # every sample has a positive (DB, MFM priors)
    return z, t


STATS = dict(class_freq=[40, 20, 10, 8, 4, 2])
COOC = [[40 if i == j else 2 for j in range(6)] for i in range(6)]

# every element-wise loss, in its default and its other per-step modes
ELEMENTWISE = [
    dict(type='MaskedBCELoss'),
    dict(type='MaskedBCELoss', eps=1e-8, reduction='global_sum'),
    dict(type='MaskedBCELoss', unknown_as='ignore', reduction='mean'),
    dict(type='MaskedFocalLoss'),
    dict(type='MaskedASLLoss', gamma_pos=0.),
    dict(type='MaskedASLLoss', unknown_as='ignore', reduction='mean'),
    dict(type='WANLoss'),
    dict(type='WANLoss', eps=None, reduction='sum'),
    dict(type='HillLoss'),
    dict(type='HillLoss', unknown_as='ignore', reduction='mean'),
    dict(type='SPLCLoss'),
    dict(type='SPLCLoss', correct='non_positive', unknown_as='ignore'),
    dict(type='MultiFocalModifierLoss', **STATS, cooccurrence=COOC),
    dict(type='RLCLoss', **STATS),
    dict(type='RLCLoss', **STATS, threshold_mode='running'),
    dict(type='DistributionBalancedLoss', **STATS, num_samples=100),
]


def run_steps(fn: Callable[[int], torch.Tensor], monkeypatch,
              steps: int = 3) -> List[str]:
    """First call unobserved (it may validate), then count ``steps``."""
    fn(0).backward()
    with count_syncs(monkeypatch) as calls:
        for step in range(1, steps + 1):
            fn(step).backward()
    return calls


@pytest.mark.parametrize('cfg', ELEMENTWISE, ids=lambda c: str(c))
@pytest.mark.parametrize('weighted', [False, True])
def test_elementwise_losses_do_not_sync(cfg, weighted, monkeypatch):
    loss = MODELS.build(cfg)
    if hasattr(loss, 'set_epoch'):
        loss.set_epoch(1)  # SPLC / RLC corrections active

    def step(seed):
        z, t = batch(seed)
        w = torch.rand(z.shape[0]) if weighted else None
        return loss(z.requires_grad_(True), t, weight=w)

    assert run_steps(step, monkeypatch) == []


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a GPU')
@pytest.mark.parametrize('cfg', ELEMENTWISE, ids=lambda c: str(c))
def test_elementwise_losses_do_not_sync_on_gpu(cfg):
    """Where a GPU is present, CUDA's own sync detector must stay silent."""
    loss = MODELS.build(cfg).cuda()
    if hasattr(loss, 'set_epoch'):
        loss.set_epoch(1)
    inputs = [tuple(x.cuda() for x in batch(seed)) for seed in range(4)]
    weights = torch.rand(4, inputs[0][0].shape[0]).cuda()
    loss(inputs[0][0].requires_grad_(True), inputs[0][1]).backward()
    torch.cuda.set_sync_debug_mode('error')
    try:
        for (z, t), w in zip(inputs[1:], weights[1:]):
            loss(z.requires_grad_(True), t, weight=w).backward()
    finally:
        torch.cuda.set_sync_debug_mode(0)


def test_rlc_epoch_change_does_not_sync(monkeypatch):
    loss = MODELS.build(dict(type='RLCLoss', **STATS))

    def step(seed):
        loss.set_epoch(seed)  # D is reset at every new epoch
        z, t = batch(seed)
        return loss(z.requires_grad_(True), t)

    assert run_steps(step, monkeypatch) == []


def test_head_tail_balancer_does_not_sync(monkeypatch):
    loss = MODELS.build(dict(
        type='HeadTailBalancerLoss',
        loss=dict(type='MultiFocalModifierLoss', **STATS, cooccurrence=COOC)))

    def step(seed):
        (z_h, t), (z_t, _), (z_b, _) = (batch(seed + k) for k in (0, 9, 17))
        return loss(z_h, z_t, z_b.requires_grad_(True), t)[0]

    assert run_steps(step, monkeypatch) == []


def test_pu_losses_do_not_sync(monkeypatch):
    vpu = MODELS.build(dict(type='VPULoss'))
    mix = MODELS.build(dict(type='PUMixupConsistencyLoss',
                            reduction='mean'))

    def step(seed):
        z, t = batch(seed)
        z.requires_grad_(True)
        loss, _ = vpu.loss_and_stats(z, t)
        soft = mix.soft_targets(z, t)
        mixed = 0.3 * soft[:4] + 0.7 * soft[4:]
        return loss + mix(z[4:] * 0.5, mixed, weight=torch.rand(4))

    assert run_steps(step, monkeypatch) == []


@pytest.mark.parametrize('cfg', [dict(type='CORRLoss'),
                                 dict(type='PRODENLoss')])
def test_pll_losses_do_not_sync(cfg, monkeypatch):
    loss = MODELS.build(cfg)

    def step(seed):
        z, _ = batch(seed)
        conf = torch.softmax(torch.randn(z.shape), 1)
        views = [z.requires_grad_(True), z * 0.5]
        out = loss(views, conf)
        loss.update_confidence([v.detach() for v in views],
                               torch.ones_like(conf))
        return out

    assert run_steps(step, monkeypatch) == []


def test_counter_sees_a_sync_in_a_loss(monkeypatch):
    """The instrument works: the debug mode validates (and syncs) on every
    call."""
    monkeypatch.setattr(mlc_loss_base, 'CHECK_EVERY_CALL', True)
    loss = MODELS.build(dict(type='HillLoss'))

    def step(seed):
        z, t = batch(seed)
        return loss(z.requires_grad_(True), t)

    calls = run_steps(step, monkeypatch)
    assert calls and all('mlc_loss_base.py' in c for c in calls)


def test_first_call_still_validates():
    loss = MODELS.build(dict(type='HillLoss'))
    z, t = batch(0)
    with pytest.raises(ValueError, match='HillLoss.*targets must be in'):
        loss(z, t * 2)
    with pytest.raises(ValueError, match='HillLoss.*NaN'):
        loss(z / 0, t)
    loss(z, t)  # the first valid call
    loss(z, t * 2)  # later calls trust the values (no sync) ...
    with pytest.raises(ValueError, match='HillLoss.*must both be'):
        loss(z, t[:, :3])  # ... but still check shapes


def test_debug_flag_validates_every_call(monkeypatch):
    """``MLC_CHECK_LOSS_INPUTS=1`` (read at import) checks every call."""
    monkeypatch.setattr(mlc_loss_base, 'CHECK_EVERY_CALL', True)
    loss = MODELS.build(dict(type='SPLCLoss'))
    z, t = batch(0)
    loss(z, t)
    with pytest.raises(ValueError, match='SPLCLoss.*targets must be in'):
        loss(z, t * 2)


# --- whole training steps of DigitMosaic-size models, through the heads ---
def digitmosaic_batch(seed: int, b: int = 4, c: int = 10) -> dict:
    """``train_step`` data: uint8 32x32 images, targets in {1, 0, -1}."""
    gen = torch.Generator().manual_seed(seed)
    samples = []
    for i in range(b):
        score = torch.randint(-1, 2, (c, ), generator=gen).float()
        score[i % c] = 1
        sample = DataSample(metainfo=dict(sample_idx=i)).set_gt_score(score)
        sample.set_field(score.clamp(min=0), 'gt_clean')
        samples.append(sample)
    return dict(inputs=[torch.randint(0, 255, (3, 32, 32), generator=gen,
                                      dtype=torch.uint8) for _ in range(b)],
                data_samples=samples)


def count_train_steps(model, wrapper, monkeypatch) -> List[str]:
    model.train()
    model.train_step(digitmosaic_batch(0), wrapper)
    with count_syncs(monkeypatch) as calls:
        for step in (1, 2):
            model.train_step(digitmosaic_batch(step), wrapper)
    return calls


@pytest.mark.parametrize('loss', ['MaskedBCELoss', 'MaskedFocalLoss',
                                  'MaskedASLLoss', 'WANLoss', 'HillLoss',
                                  'SPLCLoss'])
def test_missing_label_training_step_does_not_sync(loss, one_thread,
                                                   monkeypatch):
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(classifier_cfg(loss))
    if loss == 'SPLCLoss':
        model.head.loss_module.set_epoch(1)
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-4))
    assert count_train_steps(model, wrapper, monkeypatch) == []


def classifier_cfg(loss: str) -> dict:
    """ResNet_CIFAR-18 (16 wide) + MLCLinearHead, as the DigitMosaic
    configs of the missing-label losses."""
    return dict(
        type='ImageClassifier',
        data_preprocessor=dict(type='MLCDataPreprocessor',
                               mean=[127.5] * 3, std=[127.5] * 3),
        backbone=resnet_cifar(18, 16, out_indices=(3, )),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='MLCLinearHead', num_classes=10, in_channels=128,
                  loss=dict(type=loss, reduction='global_sum')))


def test_comic_training_step_does_not_sync(one_thread, monkeypatch):
    """MFM x 3 + RLC x 3 + HTB through ``ComicHead`` (DigitMosaic config)."""
    cfg = Config.fromfile(os.path.join(ROOT, 'configs', 'comic',
                                       'comic_r18_digitmosaic-plt.py'))
    cfg.model.trunk.pop('init_cfg', None)
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(cfg.model)
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.head.set_class_stats(torch.arange(10, 0, -1.) * 5,
                               torch.eye(10) * 20 + 2)
    model.head.set_epoch(0)
    assert count_train_steps(model, wrapper, monkeypatch) == []


def test_pu_mlc_training_step_does_not_sync(one_thread, monkeypatch):
    """VPU + MixUp consistency through ``PUMLCClassifier`` / SSGRL head."""
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(dict(
            type='PUMLCClassifier',
            data_preprocessor=unit_preprocessor(),
            backbone=resnet_cifar(50, 8),
            frozen_stages=-1,
            head=dict(type='SSGRLHead', num_classes=10, in_channels=256,
                      feat_channels=16, attn_channels=8, out_channels=12,
                      word_dim=10, pool_size=None,
                      loss=dict(type='VPULoss', rebalance_gamma=0.5))))
    model.head.set_adjacency(np.eye(10))
    wrapper = OptimWrapper(torch.optim.Adam(model.parameters(), 1e-4))
    assert count_train_steps(model, wrapper, monkeypatch) == []


def test_co_learning_step_does_not_sync(one_thread, monkeypatch):
    """BCE (random branch) and DB (balanced branch) losses, each called on
    its own batch and in the peer passes, through ``CoLearningClassifier``
    with Stitch-Up and cross correction."""
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(co_learning_model_cfg(
            3, 8, 1., dict(type='DistributionBalancedLoss',
                           class_freq=[5, 3, 2], num_samples=8),
            stitch='feature_avg', correction=True,
            thresholds=dict(balance_medium_alpha=0.4, random_tail_beta=0.6),
            training_split=dict(head=[0], middle=[1], tail=[2])))
    model.train()

    def step(seed):
        gen = torch.Generator().manual_seed(seed)
        batch = {}
        for name, num in (('random', 2), ('balanced', 4)):
            images = [torch.rand(3, 16, 16, generator=gen) * 255
                      for _ in range(2 * num)]
            samples = []
            for i in range(num):
                score = (torch.rand(3, generator=gen) < 0.5).float()
                partner = (torch.rand(3, generator=gen) < 0.5).float()
                score[0], partner[1] = 1, 1
                sample = DataSample().set_gt_score(score)
                sample.set_metainfo(dict(sample_idx=i,
                                         partner_sample_idx=i + 1))
                sample.set_field(partner, 'partner_gt_score',
                                 dtype=torch.Tensor)
                samples.append(sample)
            batch[name] = dict(inputs=[images[:num], images[num:]],
                               data_samples=samples)
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        return losses['loss_random'] + losses['loss_balanced']

    assert run_steps(step, monkeypatch) == []
