"""CORR+RECORDS (mixup) and SoLar train through tools/train.py / the Runner
and resume exactly: a run stopped after epoch k and resumed equals the
uninterrupted run, confidence tables, feature mean, queue and prior included
(the interrupted runs use the Runner in-process, the reference run and
the test run the tools' main in-process)."""
import json
import os
import os.path as osp
import types

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.registry import DefaultScope
from mmengine.runner import Runner
from PIL import Image
from test_cli import evaluate_inprocess, train_inprocess

import mlc  # noqa: F401
from mlc.engine.loops.two_stage_train_loop import TwoStageTrainLoop
from mlc.utils import register_all_modules


def make_tiny_pll(root, num=16, classes=4, size=16, seed=0, split='train'):
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, split), exist_ok=True)
    entries = []
    for i in range(num):
        label = int(rng.integers(classes)) if split == 'train' else i % classes
        img = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
        y, x = divmod(label, 2)
        half = size // 2
        img[y * half:(y + 1) * half, x * half:(x + 1) * half] += 150
        Image.fromarray(img).save(osp.join(root, split, f'{i:03d}.png'))
        cand = {label} | {c for c in range(classes)
                          if split == 'train' and rng.random() < 0.4}
        entries.append(dict(img_path=f'{split}/{i:03d}.png',
                            candidates=sorted(cand), gt_label=label))
    with open(osp.join(root, f'{split}.json'), 'w') as f:
        json.dump(dict(metainfo=dict(classes=[f'c{i}' for i in range(classes)],
                                     task='pll', unlisted=0),
                       data_list=entries), f)


@pytest.fixture
def tiny_pll(tmp_path):
    root = str(tmp_path / 'tiny_pll')
    make_tiny_pll(root, split='train')
    make_tiny_pll(root, num=12, split='test', seed=1)
    with open(osp.join(root, 'class_split.json'), 'w') as f:
        json.dump(dict(many=[0], medium=[1, 2], few=[3]), f)
    return root


def pll_config(root, work_dir, head, max_epochs=2):
    views = [[], [dict(type='Solarize', thr=100, prob=1.)]]
    train_pipeline = [dict(type='LoadImageFromFile'),
                      dict(type='MultiView', num_views=[1, 1],
                           transforms=views),
                      dict(type='PackInputs', algorithm_keys=('candidates',))]
    test_pipeline = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]

    def dataset(split, pipeline):
        return dict(type='PLLDataset', data_root=root,
                    ann_file=f'{split}.json', data_prefix='',
                    class_split=osp.join(root, 'class_split.json'),
                    pipeline=pipeline)

    def loader(split, pipeline, shuffle):
        return dict(batch_size=8, num_workers=0, persistent_workers=False,
                    sampler=dict(type='DefaultSampler', shuffle=shuffle),
                    dataset=dataset(split, pipeline))

    return dict(
        default_scope='mlc', work_dir=work_dir,
        model=dict(type='PLLClassifier',
                   data_preprocessor=dict(mean=[0., 0., 0.],
                                          std=[255., 255., 255.]),
                   backbone=dict(type='ResNet_CIFAR', depth=18,
                                 stem_channels=4, base_channels=4),
                   neck=dict(type='GlobalAveragePooling'),
                   head=dict(num_classes=4, in_channels=32, **head)),
        train_dataloader=loader('train', train_pipeline, True),
        val_dataloader=loader('test', test_pipeline, False),
        test_dataloader=loader('test', test_pipeline, False),
        val_evaluator=dict(type='PLLAccuracy', topk=(1, 2),
                           prefix='test_monitor'),
        test_evaluator=dict(type='PLLAccuracy', topk=(1, 2)),
        val_cfg=dict(), test_cfg=dict(),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.05, momentum=0.9,
                                          weight_decay=1e-3)),
        param_scheduler=[dict(type='CosineAnnealingLR', by_epoch=True,
                              T_max=max_epochs, eta_min=1e-5)],
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs,
                       val_interval=max_epochs),
        custom_hooks=[dict(type='ConfidenceUpdateHook')],
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1),
                           logger=dict(type='LoggerHook', interval=1)),
        randomness=dict(seed=0, deterministic=True),
        env_cfg=dict(dist_cfg=dict(backend='gloo')), log_level='WARNING')


def assert_same_checkpoints(a_path, b_path):
    a = torch.load(a_path, weights_only=True)
    b = torch.load(b_path, weights_only=True)
    assert a['meta']['epoch'] == b['meta']['epoch']
    assert any(k.startswith('state.conf') for k in a['state_dict'])
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)
    return a


def test_records_mixup_resume_via_train_tool(tiny_pll, tmp_path):
    head = dict(type='PLLLinearHead', prior='records', debias_test=True,
                mixup=True)
    full = pll_config(tiny_pll, str(tmp_path / 'full'), head)
    train_inprocess(full, tmp_path / 'full.py')
    # the interrupted + resumed run goes through the Runner in-process
    part = pll_config(tiny_pll, str(tmp_path / 'part'), head)
    run_inprocess(part, stop_at=1)
    assert not (tmp_path / 'part' / 'epoch_2.pth').exists()
    run_inprocess(part, resume=True)
    ckpt = assert_same_checkpoints(tmp_path / 'full' / 'epoch_2.pth',
                                   tmp_path / 'part' / 'epoch_2.pth')
    state = {k[6:]: v for k, v in ckpt['state_dict'].items()
             if k.startswith('state.')}
    assert int(state['feat_count']) == 4  # 2 iterations x 2 epochs
    init = state['init_mask'].float()
    assert (state['conf'][init == 0] == 0).all()  # mass only on candidates
    torch.testing.assert_close(state['conf'].sum(1), torch.ones(16))
    assert not torch.equal(state['conf'], init / init.sum(1, keepdim=True))
    # the test tool loads the state (feature mean) and reports PLL accuracy
    out = tmp_path / 'metrics.json'
    evaluate_inprocess(str(tmp_path / 'full.py'),
                       str(tmp_path / 'part' / 'epoch_2.pth'),
                       '--metrics-out', str(out))
    metrics = json.loads(out.read_text())
    assert 'pll/top1_few' in json.dumps(metrics)


class Crash(Hook):
    """Interrupts training after epoch ``stop_at`` (its checkpoint saved)."""
    priority = 'LOWEST'

    def __init__(self, stop_at):
        self.stop_at = stop_at

    def after_train_epoch(self, runner):
        if runner.epoch + 1 == self.stop_at:
            raise KeyboardInterrupt


class LrRecorder(Hook):
    """Records the learning rate each training iteration runs with."""

    def __init__(self):
        self.lrs = []

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.lrs.append(runner.optim_wrapper.get_lr()['lr'][0])


def run_inprocess(cfg, stop_at=None, resume=False):
    """Trains ``cfg`` (stopped after epoch ``stop_at`` if given); returns
    the learning rate of every iteration it ran."""
    register_all_modules(init_default_scope=False)
    cfg = Config(cfg)
    cfg.resume = resume
    recorder = LrRecorder()
    with DefaultScope.overwrite_default_scope('mlc'):
        runner = Runner.from_cfg(cfg)
        runner.register_hook(recorder)
        if stop_at is None:
            runner.train()
        else:
            runner.register_hook(Crash(stop_at))
            with pytest.raises(KeyboardInterrupt):
                runner.train()
    return recorder.lrs


def solar_config(root, work_dir, stage1_epochs, max_epochs, param_scheduler,
                 **loop):
    """A tiny SoLar run: the two-stage loop (``loop``: more of its
    arguments) with the schedulers ``param_scheduler`` and the prior hook on
    the training set."""
    head = dict(type='SoLarHead', queue_length=16, warmup_epochs=1)
    cfg = pll_config(root, work_dir, head, max_epochs=max_epochs)
    cfg['train_cfg'] = dict(type='TwoStageTrainLoop',
                            stage1_epochs=stage1_epochs,
                            max_epochs=max_epochs, val_interval=max_epochs,
                            **loop)
    cfg['param_scheduler'] = param_scheduler
    # no dataset: the hook uses the training set with the test pipeline
    prior_loader = dict(cfg['val_dataloader'])
    prior_loader.pop('dataset')
    prior_loader['sampler'] = dict(type='DefaultSampler', shuffle=False,
                                   round_up=False)
    cfg['custom_hooks'].append(dict(type='SoLarPriorHook',
                                    dataloader=prior_loader,
                                    gamma=(0.5, 0.1)))
    return cfg


def test_solar_two_stage_resume_across_stage_boundary(tiny_pll, tmp_path):
    def config(name):
        return solar_config(tiny_pll, str(tmp_path / name), 1, 2, [
            dict(type='CosineAnnealingLR', by_epoch=True, T_max=2,
                 eta_min=1e-5, begin=0, end=1),
            dict(type='CosineAnnealingLR', by_epoch=True, T_max=2,
                 eta_min=1e-5, begin=1, end=2)])

    run_inprocess(config('full'))
    run_inprocess(config('part'), stop_at=1)
    run_inprocess(config('part'), resume=True)
    ckpt = assert_same_checkpoints(tmp_path / 'full' / 'epoch_2.pth',
                                   tmp_path / 'part' / 'epoch_2.pth')
    sd = ckpt['state_dict']
    assert int(sd['state.stage']) == 1
    assert int(sd['state.queue_len']) == 16  # 2 batches of 8 in stage 2
    torch.testing.assert_close(sd['state.prior'].sum(), torch.tensor(1.))
    stage1 = torch.load(tmp_path / 'full' / 'epoch_1.pth', weights_only=True)
    # the prior moved away from uniform in stage 1 and was kept
    assert not torch.allclose(stage1['state_dict']['state.prior'],
                              torch.full((4, ), 0.25))
    # stage 2 is a new model: its first-epoch weights differ from stage 1's
    # continuation, and the optimiser restarted at the initial lr
    assert ckpt['optimizer']['param_groups'][0]['lr'] == pytest.approx(0.05)


def written_out_cosines(stage1_epochs, max_epochs):
    """The restarted cosine as the SoLar configs wrote it before the loop
    built it: T_max = the stage-2 length in both stages."""
    t_max = max_epochs - stage1_epochs
    return [dict(type='CosineAnnealingLR', by_epoch=True, T_max=t_max,
                 eta_min=1e-5, begin=0, end=stage1_epochs),
            dict(type='CosineAnnealingLR', by_epoch=True, T_max=t_max,
                 eta_min=1e-5, begin=stage1_epochs, end=max_epochs)]


def test_solar_stage_cosine_equals_the_written_out_schedulers(tiny_pll,
                                                              tmp_path):
    # stage 1 of 2 epochs, stage 2 of 1: T_max 1 in both stages
    loop = solar_config(tiny_pll, str(tmp_path / 'loop'), 2, 3, None,
                        stage_cosine=dict(eta_min=1e-5))
    written = solar_config(tiny_pll, str(tmp_path / 'written'), 2, 3,
                           written_out_cosines(2, 3))
    lrs = run_inprocess(loop)
    assert lrs == run_inprocess(written)
    # by hand: lr(t) = 1e-5 + (0.05 - 1e-5) (1 + cos(pi t / T_max)) / 2,
    # t the epoch within the stage; 2 iterations per epoch
    per_epoch = [0.05, 1e-5, 0.05]
    assert lrs == pytest.approx([lr for lr in per_epoch for _ in range(2)])


def test_solar_stage_cosine_resumes_exactly(tiny_pll, tmp_path):
    # stopped in the middle of stage 2 (epochs 2-3, T_max 2), resumed
    def config(name):
        return solar_config(tiny_pll, str(tmp_path / name), 1, 3, None,
                            stage_cosine=dict(eta_min=1e-5))

    full = run_inprocess(config('full'))
    part = run_inprocess(config('part'), stop_at=2)
    part += run_inprocess(config('part'), resume=True)
    assert part == full == pytest.approx([0.05] * 4 + [0.025005] * 2)
    ckpt = assert_same_checkpoints(tmp_path / 'full' / 'epoch_3.pth',
                                   tmp_path / 'part' / 'epoch_3.pth')
    resumed = torch.load(tmp_path / 'part' / 'epoch_3.pth', weights_only=True)
    assert resumed['param_schedulers'] == ckpt['param_schedulers']


def test_solar_stage_cosine_refuses_a_second_schedule(tiny_pll, tmp_path):
    cfg = solar_config(tiny_pll, str(tmp_path / 'both'), 2, 3,
                       written_out_cosines(2, 3),
                       stage_cosine=dict(eta_min=1e-5))
    with pytest.raises(ValueError, match='set param_scheduler = None'):
        run_inprocess(cfg)
    cfg = solar_config(tiny_pll, str(tmp_path / 'tmax'), 2, 3, None,
                       stage_cosine=dict(eta_min=1e-5, T_max=9))
    with pytest.raises(ValueError, match=r"may not set \['T_max'\]"):
        run_inprocess(cfg)


@pytest.mark.parametrize('stage_cosine', [True, 1e-5, 'cosine'])
def test_solar_stage_cosine_not_a_dict_is_one_clear_error(stage_cosine):
    # a switch or a bare eta_min instead of the scheduler's arguments
    runner = types.SimpleNamespace(param_schedulers=None)
    with pytest.raises(TypeError, match='TwoStageTrainLoop: stage_cosine '
                       'must be a dict'):
        TwoStageTrainLoop(runner, dict(), stage1_epochs=1, max_epochs=3,
                          stage_cosine=stage_cosine)
