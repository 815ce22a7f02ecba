"""Every COMIC config builds: model, optimiser groups, schedules, switches."""
import glob
import os.path as osp

import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import DefaultScope

from mlc.registry import MODELS, PARAM_SCHEDULERS
from mlc.utils import register_all_modules
from mlc.utils.config_check import check_config

register_all_modules(init_default_scope=False)
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'comic', '*.py')))


def build(path):
    cfg = Config.fromfile(path)
    check_config(cfg)
    cfg.model.trunk.pop('init_cfg', None)  # no weight download in tests
    model = MODELS.build(cfg.model)
    with DefaultScope.overwrite_default_scope('mlc'):
        wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    schedulers = [PARAM_SCHEDULERS.build(dict(s, optimizer=wrapper),
                                         default_args=dict(epoch_length=4))
                  for s in cfg.param_scheduler]
    return cfg, model, wrapper, schedulers


def test_all_configs_present():
    names = {osp.basename(p) for p in CONFIGS}
    for base in ('comic_r50_plt-coco', 'comic_r50_plt-voc',
                 'comic_r18_digitmosaic-plt'):
        for suffix in ('', '_no-correction', '_no-modification',
                       '_no-balance'):
            assert f'{base}{suffix}.py' in names


@pytest.mark.parametrize('path', [p for p in CONFIGS if 'r50' in p],
                         ids=osp.basename)
def test_paper_configs(path):
    cfg, model, wrapper, (sched, ) = build(path)
    assert cfg.train_cfg.max_epochs == 40
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.get('val_dataloader') is None
    assert all(not p.requires_grad for p in model.trunk.parameters())
    groups = {g['name']: g for g in wrapper.optimizer.param_groups
              if 'name' in g}
    head = model.head
    expected = {'b_fc', 'b_cls'} | ({'h_fc', 't_fc', 'b_attn', 'h_cls',
                                     't_cls'} if head.balance else set())
    assert set(groups) == expected
    assert groups['b_fc']['lr'] == 1e-3 and groups['b_cls']['lr'] == 1e-4
    assert groups['b_fc']['weight_decay'] == 1e-4
    voc = 'voc' in path
    assert head.num_classes == (20 if voc else 80)
    if head.balance:
        # VOC swaps the head and tail step periods of COCO
        assert sched.step_sizes['h_fc'] == (12 if voc else 24)
        assert sched.step_sizes['t_fc'] == (24 if voc else 12)
    if path.endswith('_no-correction.py'):
        assert head.rlc is None
    if path.endswith('_no-modification.py'):
        assert type(head.cls_loss).__name__ == 'MaskedBCELoss'
        assert type(head.htb.loss).__name__ == 'MaskedBCELoss'


def test_group_step_lr_decays_each_group_on_its_own_period():
    _, model, wrapper, (sched, ) = build(
        osp.join(ROOT, 'configs', 'comic', 'comic_r50_plt-coco.py'))
    lrs = []
    for _ in range(25):
        lrs.append({g.get('name'): g['lr']
                    for g in wrapper.optimizer.param_groups})
        sched.step()
    # epoch index e uses lrs[e]: b_fc decays after 12 and 24 epochs
    assert lrs[11]['b_fc'] == pytest.approx(1e-3)
    assert lrs[12]['b_fc'] == pytest.approx(1e-4)
    assert lrs[24]['b_fc'] == pytest.approx(1e-5)
    assert lrs[17]['b_cls'] == pytest.approx(1e-4)
    assert lrs[18]['b_cls'] == pytest.approx(1e-5)
    assert lrs[23]['h_fc'] == pytest.approx(1e-3)
    assert lrs[24]['h_fc'] == pytest.approx(1e-4)


def test_constructor_rejects_ungrouped_trainable_parameters():
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'comic',
                                   'comic_r50_plt-coco.py'))
    cfg.model.trunk.pop('init_cfg')
    cfg.model.trunk_frozen = False
    model = MODELS.build(cfg.model)
    with pytest.raises(ValueError, match='in no group'), \
            DefaultScope.overwrite_default_scope('mlc'):
        build_optim_wrapper(model, cfg.optim_wrapper)


def test_digitmosaic_config_trains_shared_trunk():
    cfg, model, wrapper, _ = build(osp.join(
        ROOT, 'configs', 'comic', 'comic_r18_digitmosaic-plt.py'))
    assert model.trunk_mode == 'shared' and not model.trunk_frozen
    assert any(p.requires_grad for p in model.trunk.parameters())
    assert cfg.custom_hooks[0]['type'] == 'ComicCorrectionHook'
    x = torch.zeros(2, 3, 32, 32)
    assert model(x)['z_b'].shape == (2, 10)


@pytest.mark.parametrize('name', ['comic_r18_digitmosaic-plt',
                                  'comic_r50_plt-coco'])
def test_no_attn_grad_ablation_changes_only_the_switch(name):
    base = Config.fromfile(osp.join(ROOT, 'configs', 'comic', f'{name}.py'))
    cfg, model, _, _ = build(osp.join(ROOT, 'configs', 'comic',
                                      f'{name}_no-attn-grad.py'))
    assert base.model.head.get('attn_grad_to_branches', True)
    assert model.head.attn_grad_to_branches is False
    assert model.head.attention is not None and model.head.htb is not None
    cfg.model.head.pop('attn_grad_to_branches')
    base.model.trunk.pop('init_cfg', None)  # as build()
    assert cfg.model == base.model
    assert cfg.to_dict().keys() == base.to_dict().keys()
