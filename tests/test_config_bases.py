"""Shared config pieces are written once (docs/conventions.md, configs):
the ImageNet ResNet-50 lives in one model base that the model bases inherit,
and a model + schedule + runtime that a recipe of ``configs/_base_/recipes``
combines is listed by that recipe only. The resolved models of the bases
built on the shared ResNets keep the values of their recipes."""
import glob
import os.path as osp
from typing import List

import pytest
from mmengine import Config
from test_config_layout import CONFIGS, config_bases

RESNET50 = osp.join(CONFIGS, '_base_', 'models', 'resnet50.py')
#: recipe -> the model, schedule and runtime it combines (configs/_base_/)
RECIPES = {
    'recipes/r18_digitmosaic.py': ('models/r18-cifar_mlc.py',
                                   'schedules/digitmosaic_adam.py',
                                   'digitmosaic_runtime.py'),
    'recipes/r50_448.py': ('models/r50_mlc-448.py',
                           'schedules/adam_onecycle-80e-stop31.py',
                           'ema_runtime.py'),
}
IMAGENET_MEAN = [123.675, 116.28, 103.53]
IMAGENET_STD = [58.395, 57.12, 57.375]


def _configs() -> List[str]:
    return sorted(glob.glob(osp.join(CONFIGS, '**', '*.py'), recursive=True))


def test_imagenet_resnet50_is_written_in_one_base():
    writers = [osp.relpath(p, CONFIGS) for p in _configs()
               if 'torchvision://resnet50' in open(p).read()]
    assert writers == [osp.relpath(RESNET50, CONFIGS)]


@pytest.mark.parametrize('recipe', sorted(RECIPES))
def test_a_recipe_alone_lists_its_pieces(recipe):
    pieces = {osp.join(CONFIGS, '_base_', p) for p in RECIPES[recipe]}
    listing = [osp.relpath(p, CONFIGS) for p in _configs()
               if pieces <= set(config_bases(p))]
    assert listing == [osp.join('_base_', recipe)]


def _model(rel: str) -> dict:
    return Config.fromfile(osp.join(CONFIGS, rel)).to_dict()['model']


def test_models_on_the_shared_resnet50_keep_their_values():
    r50 = dict(type='ResNet', depth=50, num_stages=4, out_indices=(3, ),
               style='pytorch',
               init_cfg=dict(type='Pretrained',
                             checkpoint='torchvision://resnet50'))
    imagenet = dict(type='MLCDataPreprocessor', mean=IMAGENET_MEAN,
                    std=IMAGENET_STD, to_rgb=True)
    # Hill/SPLC: [0, 1] inputs as the official code
    hill = _model('_base_/models/r50_mlc-448.py')
    assert hill['backbone'] == r50
    assert hill['data_preprocessor'] == dict(
        imagenet, mean=[0., 0., 0.], std=[255., 255., 255.])
    # co-learning: stem..layer3 frozen, BN eval, its own preprocessor
    colearning = _model('_base_/models/colearning_r50.py')
    assert colearning['backbone'] == dict(r50, frozen_stages=3,
                                          norm_eval=True)
    assert colearning['data_preprocessor'] == dict(
        imagenet, type='CoLearningDataPreprocessor')
    heads = [b['head'] for b in colearning['branches'].values()]
    assert [h['num_classes'] for h in heads] == [20, 20]
    # the DB baseline: only the stem and layer1 frozen
    db = _model('baselines/db_r50_voc-mlt.py')
    assert db['backbone'] == dict(r50, frozen_stages=1, norm_eval=True)
    assert db['data_preprocessor'] == imagenet
    assert db['head']['num_classes'] == 20
    # COMIC: the same trunk under another key (num_stages and style are
    # ResNet's defaults, written out since the trunk is the shared one)
    comic = _model('_base_/models/comic_r50.py')
    assert {'num_stages': 4, 'style': 'pytorch', **comic['trunk']} == r50
    assert 'backbone' not in comic
    assert comic['data_preprocessor'] == imagenet
    # PU-MLC: ResNet-101 with its own weights
    pu_mlc = _model('pu_mlc/_base_/pu-mlc_r101-lgc_448.py')
    assert pu_mlc['backbone'] == dict(
        r50, depth=101,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101'))
    assert pu_mlc['data_preprocessor'] == imagenet


def test_digitmosaic_r18_on_the_shared_resnet_cifar_keeps_its_values():
    r18 = _model('_base_/models/r18-cifar_mlc.py')
    assert r18['backbone'] == dict(
        type='ResNet_CIFAR', depth=18, stem_channels=16, base_channels=16,
        num_stages=4, out_indices=(3, ), style='pytorch',
        zero_init_residual=False)
    assert r18['neck'] == dict(type='GlobalAveragePooling')
    assert r18['data_preprocessor'] == dict(
        type='MLCDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3,
        to_rgb=False)


@pytest.mark.parametrize('data', ['coco', 'voc'])
def test_stitchup_metrics_take_the_test_sets_class_split(data):
    """The co-learning evaluators name no split: every AP metric (fused
    and per branch) takes its shot groups from the test data set's
    ``class_split``, the file of the leaf's own data set."""
    from mlc.evaluation import MLCAveragePrecision
    from mlc.registry import METRICS
    from mlc.utils import register_all_modules
    register_all_modules()
    for leaf in glob.glob(osp.join(CONFIGS, 'stitchup',
                                   f'stitchup_r50_{data}-mlt-*.py')):
        cfg = Config.fromfile(leaf)
        split_file = cfg.test_dataloader.dataset.class_split
        assert split_file == f'data/{data}-mlt-noise/class_split.json'
        split = {'many': [0], 'medium': [1], 'few': [2]}
        for spec in cfg.test_evaluator:
            metric = METRICS.build(spec)
            if not isinstance(metric, MLCAveragePrecision):
                continue
            assert metric.class_split is None, leaf
            metric.dataset_meta = dict(classes=['a', 'b', 'c'],
                                       class_split=split)
            assert metric.resolve_class_split(3) == (
                split, "dataset_meta['class_split']")


def test_children_extend_and_rescale_base_values():
    """``_base_.name`` reuse: SPLC appends its epoch hook after the recipe's
    EMA hook (the list is extended, not replaced), and VOC-MLT runs
    COCO 2017's pipelines with only the resize scale changed."""
    splc = Config.fromfile(osp.join(CONFIGS, 'splc',
                                    'splc_r50_coco2014-0.4left.py'))
    assert [h['type'] for h in splc.custom_hooks] == ['EMAHook',
                                                     'SPLCEpochHook']
    assert splc.custom_hooks[0]['momentum'] == 3e-4
    coco = Config.fromfile(osp.join(CONFIGS, '_base_', 'datasets',
                                    'coco2017.py'))
    voc = Config.fromfile(osp.join(CONFIGS, '_base_', 'datasets',
                                   'voc-mlt.py'))
    for key in ('train_pipeline', 'test_pipeline'):
        assert [t['type'] for t in voc[key]] == [t['type'] for t in coco[key]]
        for a, b in zip(voc[key], coco[key]):
            if a['type'] == 'Resize':
                assert (a['scale'], b['scale']) == ((224, 224), (448, 448))
            else:
                assert a == b
    assert voc.train_dataloader.dataset.pipeline == voc.train_pipeline
