"""configs/pll follows the config layout (a leaf inherits files of
configs/_base_ plus at most one family base of configs/pll/_base_, which
inherits configs/_base_ only; shared settings are inherited, not repeated)
and its leaves resolve to each recipe's hyper-parameters."""
import ast
import glob
import os.path as osp
import re

import pytest
from conftest import ROOT
from mmengine.config import Config
from test_resume_safety import config_bases

from mlc.engine.loops.two_stage_train_loop import stage_cosines

FAMILY = osp.join(ROOT, 'configs', 'pll')
FAMILY_BASE_DIR = osp.join(FAMILY, '_base_')
SHARED = osp.join(ROOT, 'configs', '_base_') + osp.sep
LEAVES = sorted(glob.glob(osp.join(FAMILY, '*.py')))
FAMILY_BASES = sorted(glob.glob(osp.join(FAMILY_BASE_DIR, '*.py')))


def test_every_leaf_is_found():
    # CIFAR-10: corr, oracle, records, records+mixup, solar x 6 builds;
    # CIFAR-100: the same x 6 builds + NU (corr, records, records+mixup,
    # solar) x 3 builds; PLL-VOC and DigitMosaic-PLL: corr, records, solar
    names = [osp.basename(p) for p in LEAVES]
    assert sum('_cifar10-' in n for n in names) == 5 * 6
    assert sum('_cifar100-' in n for n in names) == 5 * 6 + 4 * 3
    assert sum(n.endswith(('_pll-voc.py', '_digitmosaic-pll.py'))
               for n in names) == 6
    assert len(names) == 78 and FAMILY_BASES


@pytest.mark.parametrize('path', LEAVES, ids=osp.basename)
def test_leaf_inherits_shared_bases_and_one_family_base(path):
    bases = config_bases(path)
    assert bases and all(osp.isfile(b) for b in bases), bases
    family = [b for b in bases if not b.startswith(SHARED)]
    assert len(family) <= 1, f'{path}: more than one family base {family}'
    assert all(osp.dirname(b) == FAMILY_BASE_DIR for b in family), \
        f'{path} inherits {family}, not a file of {FAMILY_BASE_DIR}'


@pytest.mark.parametrize('path', FAMILY_BASES, ids=osp.basename)
def test_family_base_inherits_shared_bases_only(path):
    bases = config_bases(path)
    assert bases and all(b.startswith(SHARED) for b in bases), bases


def ancestors(path):
    """Every file that ``path`` inherits, directly or not."""
    out, todo = [], config_bases(path)
    while todo:
        base = todo.pop()
        out.append(base)
        todo += config_bases(base)
    return out


CIFAR_LEAVES = [p for p in LEAVES if '_cifar10' in osp.basename(p)]


@pytest.mark.parametrize('path', CIFAR_LEAVES, ids=osp.basename)
def test_cifar_leaf_sets_only_its_build(path):
    # the dataset (CIFAR-10/100-LT, or CIFAR-100-LT-NU with its class
    # permutation) comes from one dataset base; the leaf names rho and q
    name = osp.basename(path)
    cifar, nu, rho, q = re.search(
        r'_(cifar10|cifar100)-lt(-nu)?-r(\d+)-q(\d\.\d+)', name).groups()
    data = 'cifar100-lt-nu_pll.py' if nu else f'{cifar}-lt_pll.py'
    assert osp.join(SHARED, 'datasets', data) in config_bases(path), name
    builds = [node.value for node in ast.parse(open(path).read()).body
              if isinstance(node, ast.Assign)
              and node.targets[0].id == 'build']
    assert len(builds) == 1, name
    assert {k.arg: ast.literal_eval(k.value) for k in builds[0].keywords} \
        == dict(imb_ratio=int(rho), partial_rate=float(q)), name


MIXUP_LEAVES = [p for p in CIFAR_LEAVES if p.endswith('_mixup.py')]


@pytest.mark.parametrize('path', MIXUP_LEAVES, ids=osp.basename)
def test_mixup_leaf_takes_its_method_from_the_mixup_family_base(path):
    # the RECORDS + mixup head is written once per CIFAR model base
    name = osp.basename(path)
    cifar = 'cifar100' if '_cifar100-' in name else 'cifar10'
    family = [b for b in config_bases(path) if not b.startswith(SHARED)]
    assert family == [
        osp.join(FAMILY_BASE_DIR, f'records-corr_mixup_{cifar}.py')], name
    assert not [node for node in ast.parse(open(path).read()).body
                if isinstance(node, ast.Assign)
                and node.targets[0].id == 'model'], name


SHARED_BACKBONE = osp.join(SHARED, 'models', 'resnet18-cifar.py')
PLL_MODELS = ['r18-cifar_pll.py', 'resnet18-cifar_pll.py',
              'resnet18-cifar100_pll.py']


@pytest.mark.parametrize('name', PLL_MODELS)
def test_pll_model_base_inherits_the_resnet_cifar_backbone(name):
    path = osp.join(SHARED, 'models', name)
    assert SHARED_BACKBONE in ancestors(path), name
    assert "type='ResNet_CIFAR'" not in open(path).read(), name


def test_digitmosaic_pll_schedule_inherits_the_cifar_one():
    path = osp.join(SHARED, 'schedules', 'digitmosaic_pll_sgd.py')
    assert ancestors(path) == [
        osp.join(SHARED, 'schedules', 'cifar_pll_sgd_800e.py')]


def test_digitmosaic_pll_model_and_schedule_values():
    # the small CPU network and schedule, as written out before the bases
    # were shared
    cfg = Config.fromfile(osp.join(FAMILY, 'corr_r18_digitmosaic-pll.py'))
    assert cfg.model.to_dict() == dict(
        type='PLLClassifier',
        data_preprocessor=dict(
            type='MultiViewClsDataPreprocessor', mean=[127.5, 127.5, 127.5],
            std=[127.5, 127.5, 127.5], to_rgb=False),
        backbone=dict(
            type='ResNet_CIFAR', depth=18, stem_channels=16,
            base_channels=16, num_stages=4, out_indices=(3, ),
            style='pytorch', zero_init_residual=False),
        neck=dict(type='GlobalAveragePooling'),
        head=dict(type='PLLLinearHead', num_classes=10, in_channels=128,
                  loss=dict(type='CORRLoss'), upd_start=1))
    assert cfg.optim_wrapper.optimizer.to_dict() == dict(
        type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-3)
    assert [s.to_dict() for s in cfg.param_scheduler] == [
        dict(type='CosineAnnealingLR', by_epoch=True, T_max=4, eta_min=1e-5)]
    assert cfg.train_cfg.to_dict() == dict(by_epoch=True, max_epochs=4,
                                           val_interval=2)


# leaf -> (head values, train_cfg values, SoLarPriorHook gamma or None,
# checkpoint interval, dataset build values); from the authors' READMEs
# (CIFAR) and the borrowed schedule (PLL-VOC)
RECIPES = {
    'solar_r18_cifar10-lt-r50-q0.7.py': (
        dict(type='SoLarHead', num_classes=10, rho_range=[0.2, 0.6],
             warmup_epochs=50, queue_length=16384),
        dict(type='TwoStageTrainLoop', stage1_epochs=100, max_epochs=900,
             val_interval=50),
        [0.1, 0.01], 50,
        dict(cifar='cifar10', imb_ratio=50, partial_rate=0.7)),
    'solar_r18_cifar100-lt-nu-r100-q0.03.py': (
        dict(type='SoLarHead', num_classes=100, rho_range=[0.2, 0.5],
             warmup_epochs=50, queue_length=16384),
        dict(type='TwoStageTrainLoop', stage1_epochs=20, max_epochs=820),
        [0.05, 0.01], 50,
        dict(cifar='cifar100', imb_ratio=100, partial_rate=0.03,
             hierarchical=True, class_perm_seed=123)),
    'records-corr_r18_cifar100-lt-r50-q0.07_mixup.py': (
        dict(type='PLLLinearHead', num_classes=100, prior='records',
             momentum=0.9, debias_test=True, mixup=True, mixup_alpha=4.,
             mixup_weight=1.),
        dict(max_epochs=800, val_interval=50), None, 50,
        dict(cifar='cifar100', imb_ratio=50, partial_rate=0.07)),
    'corr-oracle-la_r18_cifar10-lt-r100-q0.5.py': (
        dict(type='PLLLinearHead', num_classes=10, prior='oracle',
             debias_test=True),
        dict(max_epochs=800), None, 50,
        dict(cifar='cifar10', imb_ratio=100, partial_rate=0.5)),
    'corr_r18_cifar10-lt-r100-q0.3.py': (
        dict(type='PLLLinearHead', num_classes=10, prior=None),
        dict(max_epochs=800), None, 50,
        dict(cifar='cifar10', imb_ratio=100, partial_rate=0.3)),
    'solar_r18_pll-voc.py': (
        dict(type='SoLarHead', num_classes=20, rho_range=[0.2, 0.5],
             queue_length=8192),
        dict(type='TwoStageTrainLoop', stage1_epochs=20, max_epochs=220,
             val_interval=20),
        [0.05, 0.01], 20, None),
    'solar_r18_digitmosaic-pll.py': (
        dict(type='SoLarHead', num_classes=10, in_channels=128,
             warmup_epochs=1, queue_length=512),
        dict(type='TwoStageTrainLoop', stage1_epochs=1, max_epochs=4),
        [0.5, 0.01], 1, None),
}


def plain(value):
    """Tuples as lists, so that expected values can be written as lists."""
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_leaf_resolves_to_its_recipe(name):
    head, train_cfg, gamma, ckpt_interval, build = RECIPES[name]
    cfg = Config.fromfile(osp.join(FAMILY, name))
    for key, value in head.items():
        assert plain(cfg.model.head.get(key)) == value, (name, key)
    for key, value in train_cfg.items():
        assert cfg.train_cfg.get(key) == value, (name, key)
    hooks = {h['type']: h for h in cfg.custom_hooks}
    assert 'ConfidenceUpdateHook' in hooks
    assert plain(hooks.get('SoLarPriorHook', {}).get('gamma')) == gamma
    assert cfg.default_hooks.checkpoint.interval == ckpt_interval
    if build is not None:
        for split in ('train', 'val', 'test'):
            ds = cfg[f'{split}_dataloader'].dataset
            assert ds.data_seed == 0 and ds.legacy_rng is True
            for key, value in build.items():
                assert ds.get(key) == value, (name, split, key)
        assert cfg.default_hooks.checkpoint.save_best is None


@pytest.mark.parametrize('name,stage1,end,t_max', [
    ('solar_r18_cifar10-lt-r50-q0.7.py', 100, 900, 800),
    ('solar_r18_cifar100-lt-nu-r100-q0.03.py', 20, 820, 800),
    ('solar_r18_pll-voc.py', 20, 220, 200),
    ('solar_r18_digitmosaic-pll.py', 1, 4, 3),
])
def test_solar_leaf_schedule_is_the_restarted_cosine(name, stage1, end,
                                                     t_max):
    # the loop builds it from the stage lengths: a cosine over the stage-2
    # length in each stage, to 1e-5
    cfg = Config.fromfile(osp.join(FAMILY, name))
    assert cfg.param_scheduler is None
    loop = cfg.train_cfg
    cosine = dict(type='CosineAnnealingLR', by_epoch=True, T_max=t_max,
                  eta_min=1e-5)
    assert stage_cosines(loop.stage1_epochs, loop.max_epochs,
                         **loop.stage_cosine) == [
        dict(cosine, begin=0, end=stage1), dict(cosine, begin=stage1, end=end)]
