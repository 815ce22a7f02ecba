"""PU-MLC configs: recipe values, OneCycle stop LR, models build."""
import glob
import os.path as osp

import pytest
import torch
from conftest import ROOT
from mmengine.config import Config
from mmengine.optim import OneCycleLR, OptimWrapper
from mmengine.registry import DefaultScope

from mlc.engine.schedulers import OneCycleMomentum
from mlc.models.utils import LGCConv2d
from mlc.registry import MODELS
from mlc.utils import register_all_modules

register_all_modules(init_default_scope=False)
CFG_DIR = osp.join(ROOT, 'configs', 'pu_mlc')


def load(name):
    return Config.fromfile(osp.join(CFG_DIR, name))


@pytest.mark.parametrize('name, stop_ratio', [
    ('pu-mlc_r101-lgc_coco2014-p0.1.py', 0.67),
    ('pu-mlc_r101-lgc_voc2007-p0.1.py', 0.31),
])
def test_onecycle_schedule_and_stop_lr(name, stop_ratio):
    cfg = load(name)
    lr = cfg.optim_wrapper.optimizer.lr
    param = torch.nn.Parameter(torch.zeros(1))
    optim = OptimWrapper(torch.optim.Adam([param], lr=lr))
    epoch_len = 10
    scheds = []
    for sched_cfg in cfg.param_scheduler:
        sched_cfg = dict(sched_cfg)
        cls = {'OneCycleLR': OneCycleLR,
               'OneCycleMomentum': OneCycleMomentum}[sched_cfg.pop('type')]
        sched_cfg.pop('convert_to_iter_based')
        scheds.append(cls.build_iter_from_epoch(optim, epoch_length=epoch_len,
                                                **sched_cfg))
    group = optim.param_groups[0]
    assert group['lr'] == pytest.approx(lr / 25)
    lrs, betas = [], []
    for _ in range(cfg.train_cfg.max_epochs * epoch_len):
        lrs.append(group['lr'])
        betas.append(group['betas'][0])
        optim.step()
        for s in scheds:
            s.step()
    peak = max(range(len(lrs)), key=lrs.__getitem__)
    assert abs(peak - 0.2 * 80 * epoch_len) <= 1
    assert betas[peak] == pytest.approx(0.85, abs=1e-3)
    assert betas[0] == pytest.approx(0.95, abs=1e-3)
    assert lrs[-1] / lr == pytest.approx(stop_ratio, abs=0.01)


def test_real_benchmark_recipe_values():
    coco = load('pu-mlc_r101-lgc_coco2014-p0.1.py')
    voc = load('pu-mlc_r101-lgc_voc2007-p0.1.py')
    for cfg, alpha, gamma, decay, epochs, batch in (
            (coco, 1.0, 0.55, 0.9997, 41, 35),
            (voc, 2.0, 0.85, 0.991, 56, 45)):
        loss = cfg.model.head.loss
        assert (loss.temp_scale, loss.rebalance_gamma) == (alpha, gamma)
        ema = [h for h in cfg.custom_hooks if h.type == 'EMAHook'][0]
        assert 'SSGRLGraphHook' in {h.type for h in cfg.custom_hooks}
        assert cfg.default_hooks.random_state.type == 'RandomStateHook'
        assert ema.momentum == pytest.approx(1 - decay)
        assert cfg.train_cfg.max_epochs == epochs
        assert cfg.train_dataloader.batch_size == batch
        assert cfg.train_dataloader.drop_last
        assert not cfg.test_dataloader.drop_last
        assert 'paramwise_cfg' not in cfg.optim_wrapper
        assert cfg.default_hooks.checkpoint.save_best is None
        assert cfg.model.frozen_stages == 3 and cfg.model.norm_eval_all


def test_digitmosaic_configs_build():
    names = sorted(osp.basename(p) for p in glob.glob(
        osp.join(CFG_DIR, 'pu-mlc_r*_digitmosaic-*.py')))
    assert 'pu-mlc_r18_digitmosaic-pl40.py' in names
    with DefaultScope.overwrite_default_scope('mlc'):
        for name in names:
            cfg = load(name)
            model = MODELS.build(cfg.model)
            lgc = sum(isinstance(m, LGCConv2d) for m in model.modules())
            assert lgc == (0 if cfg.model.lgc is None else 16), name
            assert (model.mix_loss is None) == (cfg.model.mix_loss is None)


def test_coco_model_builds_with_real_word_vectors(shared_data):
    cfg = load('pu-mlc_r101-lgc_coco2014-p0.1.py')
    cfg.model.head.word_vec_file = osp.join(shared_data, 'pu_mlc',
                                            'coco_vectors.npy')
    cfg.model.backbone.pop('init_cfg')
    with DefaultScope.overwrite_default_scope('mlc'):
        model = MODELS.build(cfg.model)
    assert model.num_lgc == 33
    assert model.head.word_vectors.shape == (80, 300)
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert 'backbone.layer4.0.conv1.weight' in trainable
    assert 'backbone.layer3.5.conv1.weight' not in trainable
    assert 'backbone.layer1.0.conv2.global_branch.value.weight' in trainable
