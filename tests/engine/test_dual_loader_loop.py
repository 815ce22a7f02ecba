"""DualLoaderEpochBasedTrainLoop + co-learning: a run resumed after an epoch
equals the uninterrupted run bit for bit; correction quality is logged."""
import glob
import json
import os.path as osp

import pytest
import torch
from _helpers import co_learning_model_cfg
from conftest import tiny_config
from mmengine.runner import Runner

import mlc  # noqa: F401
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)


def co_learning_config(root, work_dir, max_epochs, name, write_back=False):
    cfg = tiny_config(root, work_dir, max_epochs=max_epochs, val=False)
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='RandomFlip', prob=0.5),
                dict(type='PackInputs', algorithm_keys=('gt_clean', ))]
    data = dict(type='MLCDataset', data_root=root, ann_file='train.json',
                data_prefix='images', pipeline=pipeline)

    cfg['model'] = co_learning_model_cfg(
        4, 16, 255., dict(type='DistributionBalancedLoss',
                          class_freq='dataset'),
        stitch='feature_avg',
        thresholds=dict(balance_head_alpha=0.55, random_tail_beta=0.45),
        training_split=dict(head=[0, 1], middle=[2], tail=[3]),
        write_back=write_back)
    cfg['train_dataloader']['dataset'] = dict(type='StitchUpDataset',
                                              dataset=data)
    cfg['train_cfg'] = dict(
        type='DualLoaderEpochBasedTrainLoop', max_epochs=max_epochs,
        dataloader_b=dict(
            batch_size=8, num_workers=0, persistent_workers=False,
            sampler=dict(type='ClassAwareSampler'),
            dataset=dict(type='StitchUpDataset', dataset=data)))
    cfg['param_scheduler'] = []
    cfg['custom_hooks'] = [dict(type='ClassFreqHook'),
                           dict(type='CoLearningCorrectionHook'),
                           dict(type='RandomStateHook')]
    cfg['experiment_name'] = name
    return cfg


def train(cfg, resume_from=None):
    if resume_from is not None:
        cfg.update(resume=True, load_from=resume_from)
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


@pytest.mark.parametrize('write_back', [False, True])
def test_resume_equals_uninterrupted_run(tiny_data, tmp_path, write_back):
    full = train(co_learning_config(tiny_data, str(tmp_path / 'full'), 2,
                                    f'dual_full_{write_back}', write_back))
    # 40 images, batch 8: 5 iterations per epoch; loader B (class-aware,
    # batch 8) has a different length, so its passes straddle epochs
    assert len(full.train_loop.dataloader) == 5
    assert len(full.train_loop.dataloader_b) not in (1, 5, 10)
    # a run stopped after epoch 1 (its checkpoint) and resumed
    train(co_learning_config(tiny_data, str(tmp_path / 'part'), 2,
                             f'dual_resumed_{write_back}', write_back),
          resume_from=str(tmp_path / 'full' / 'epoch_1.pth'))
    a = torch.load(tmp_path / 'full' / 'epoch_2.pth', weights_only=True)
    b = torch.load(tmp_path / 'part' / 'epoch_2.pth', weights_only=True)
    for key, value in a['state_dict'].items():
        torch.testing.assert_close(b['state_dict'][key], value, rtol=0,
                                   atol=0, msg=key)
    c = torch.load(tmp_path / 'full' / 'epoch_1.pth', weights_only=True)
    key = 'branches.balanced.head.fc.weight'
    assert not torch.equal(c['state_dict'][key], b['state_dict'][key])
    assert 'rng_states' in a['mlc_state']
    memory = {k: v for k, v in a['state_dict'].items()
              if k.startswith('label_memory.')}
    if write_back:
        # the memory (compared above) holds corrections: not the loaded labels
        labels = torch.from_numpy(
            full.train_dataloader.dataset.label_store.observed())
        assert set(memory) == {'label_memory.random', 'label_memory.balanced'}
        assert all(v.shape == labels.shape for v in memory.values())
        assert any(not torch.equal(v, labels) for v in memory.values())
    else:
        assert not memory

    # correction precision/recall against gt_clean, per branch and group
    scalars = glob.glob(str(tmp_path / 'full' / '*' / 'vis_data' /
                            'scalars.json'))
    logged = {}
    with open(scalars[0]) as f:
        for line in f:
            logged.update(json.loads(line))
    assert 'correction/random_many_add_precision' in logged
    assert 'correction/balanced_few_remove_recall' in logged
    assert 0 <= logged['correction/partner_is_anchor'] <= 1
    assert osp.isfile(tmp_path / 'full' / 'epoch_2.pth')
