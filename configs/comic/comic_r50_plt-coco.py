# COMIC (ICCV 2023) on PLT-COCO, the paper's recipe:
# frozen ImageNet ResNet-50 (torchvision V1 weights) computed once per batch,
# three branches (head / tail / balanced: Linear 2048->1024 + LogSoftmax,
# NormLinear classifiers with TDE, additive attention), MFM + RLC + HTB.
# Adam (coupled L2 1e-4), lr 1e-3 for the fc layers and the attention, 1e-4
# for the classifiers, per-module StepLR x0.1; 40 epochs, batch 32 on ONE GPU
# (the losses use per-batch statistics: with N GPUs set batch_size=32 // N to
# keep the global batch, or keep 32 per GPU and note it), shuffle, drop_last.
# No val split: the last epoch is tested (docs/conventions.md §7). Shot groups
# from
# the partial training counts (many >= 100, few < 20) = class_split.json
# written by the converter.
# Data (see configs/_base_/datasets/plt-coco.py and configs/comic/README.md):
#   python tools/dataset_converters/convert_comic.py --dataset coco \
#       --train drive/coco/40/LT_train.json --full drive/coco/0/LT_train.json \
#       --test drive/coco/LT_coco_val.json \
#       --cooccurrence drive/coco/co-occurrence.npy \
#       --distribution drive/coco/distribution.txt --out-dir data/plt-coco
# Train + test:
#   bash tools/dist_train.sh configs/comic/comic_r50_plt-coco.py 1
#   python tools/test.py configs/comic/comic_r50_plt-coco.py \
#       work_dirs/comic_r50_plt-coco/epoch_40.pth
_base_ = [
    '../_base_/datasets/plt-coco.py',
    '../_base_/default_runtime.py',
]

num_classes = 80
model = dict(
    type='ComicClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    trunk=dict(
        type='ResNet',
        depth=50,
        out_indices=(3, ),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    trunk_frozen=True,
    trunk_norm_eval=False,  # the code: frozen BNs use batch statistics
    neck=dict(type='ComicFeatNeck', in_channels=2048, out_channels=1024),
    head=dict(
        type='ComicHead',
        num_classes=num_classes,
        in_channels=1024,
        cls=dict(type='NormLinearClsHead', scale=16., eta=1. / 32, groups=1,
                 tde_alpha=2.),
        attention=dict(type='AdditiveAttention', dropout=0.1, scale=0.1),
        cls_loss=dict(type='MultiFocalModifierLoss', gamma_pos=0.,
                      gamma_neg=3., clip=0.05, neg_gain=1.2,
                      weight_exponent=1. / 3),
        rlc_loss=dict(type='RLCLoss', tau=0.7, margin=1.0, clip=0.05,
                      weight_exponent=1. / 6, threshold_mode='batch',
                      correct='unknown_only', start_epoch=0),
        htb_loss=dict(type='HeadTailBalancerLoss', alpha=2.),
        rlc_weight=0.2,
        mfm_weight=1.0,
        htb_weight=1.0,
        feat_momentum=0.9,
        comic_mode='paper',
        # None: counts and co-occurrence of the observed training labels
        # (ComicCorrectionHook); for exact reproduction of the released
        # statistics use 'data/plt-coco/distribution.txt' and
        # 'data/plt-coco/cooccurrence.npy'
        class_freq=None,
        cooccurrence=None),
)
custom_hooks = [dict(type='ComicCorrectionHook')]

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(batch_size=64, dataset=dict(pipeline=test_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
# total / many / medium / few mAP (+ average of the groups), and overall
# recall at 0.5 (OR; the "F1" the official code printed is this recall)
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric', thr=0.5),
]

# one Adam, one named parameter group per official optimiser
_adam = dict(type='Adam', lr=1e-3, betas=(0.9, 0.999), weight_decay=1e-4)
optim_wrapper = dict(
    constructor='ComicOptimWrapperConstructor',
    optimizer=_adam,
    paramwise_cfg=dict(groups=dict(
        b_fc=dict(prefix='necks.b', lr=1e-3),
        h_fc=dict(prefix='necks.h', lr=1e-3),
        t_fc=dict(prefix='necks.t', lr=1e-3),
        b_attn=dict(prefix='head.attention', lr=1e-3),
        b_cls=dict(prefix='head.cls.b', lr=1e-4),
        h_cls=dict(prefix='head.cls.h', lr=1e-4),
        t_cls=dict(prefix='head.cls.t', lr=1e-4))))
param_scheduler = [
    dict(type='GroupStepLR', by_epoch=True, gamma=0.1,
         step_sizes=dict(b_fc=12, b_attn=18, b_cls=18, h_fc=24, h_cls=24,
                         t_fc=12, t_cls=12)),
]
train_cfg = dict(by_epoch=True, max_epochs=40)
test_cfg = dict()
default_hooks = dict(checkpoint=dict(type='SafeCheckpointHook', interval=5,
                                     max_keep_ckpts=2))
