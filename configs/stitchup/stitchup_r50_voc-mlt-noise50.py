# Heterogeneous co-learning + Stitch-Up on VOC-MLT-Noise-0.5 (TIP 2023,
# arXiv 2307.00880; VamosC/CoLearning-meet-StitchUp), published recipe
# of the paper: ResNet-50 trunk (stem..layer3, frozen, BN eval)
# computed once; branch R (uniform sampler, batch 32, BCE, PFC dropout 0) and
# branch B (class-aware sampler, batch 256, DB-focal, PFC dropout 0.5), each with
# its own layer4; cross correction with the published thresholds; feature-average
# Stitch-Up; fused test logits 0.1 z_R + 0.9 z_B. Single GPU (the official
# setting); with k GPUs divide both batch sizes by k. Last epoch is reported
# (no val split: val_cfg None, as the official recipe which saves only epoch_8).
#
# Data (see README): train = convert_db_mlt.py --noise-pkl class_freq_0.5noise.pkl
# (noisy `labels` -> pos, `clean_labels` -> clean_pos; class_split.json and
# training_split.json beside it); test = VOC2007 test, difficult objects positive.
_base_ = ['../_base_/default_runtime.py']

num_classes = 20
data_root = 'data/'
train_ann = 'voc-mlt-noise/train_noise0.5.json'
training_split = 'data/voc-mlt-noise/training_split.json'
class_split = 'data/voc-mlt-noise/class_split.json'
train_prefix = 'VOCdevkit/VOC2012'
test_ann = 'voc2007/test.json'
test_prefix = 'VOCdevkit/VOC2007'

db_loss = dict(
    type='DistributionBalancedLoss',
    class_freq='dataset',  # counts of the noisy training labels
    reweight='rebalance',
    map_param=dict(alpha=0.1, beta=10.0, gamma=0.3),
    logit_reg=dict(init_bias=0.05, neg_scale=5.0),
    focal=dict(balance_param=2.0, gamma=2),
    reduction='mean')
bce_loss = dict(type='MaskedBCELoss', reduction='mean')
head_init = dict(type='Normal', layer='Linear', std=0.01, bias=0.)

model = dict(
    type='CoLearningClassifier',
    data_preprocessor=dict(
        type='CoLearningDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        frozen_stages=3,
        norm_eval=True,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    branches=dict(
        random=dict(
            neck=dict(type='PFCStitchNeck', in_channels=2048,
                      out_channels=256, dropout=0.0),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=256, loss=bce_loss, init_cfg=head_init)),
        balanced=dict(
            neck=dict(type='PFCStitchNeck', in_channels=2048,
                      out_channels=256, dropout=0.5),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=256, loss=db_loss, init_cfg=head_init))),
    stitch='feature_avg',
    correction=True,
    thresholds=dict(random_head_alpha=0.7, balance_head_alpha=0.7,
                    random_tail_beta=0.1, balance_tail_beta=0.1),
    training_split=training_split,
    fuse_weight_random=0.1)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PhotoMetricDistortion', brightness_delta=32,
         contrast_range=(0.5, 1.5), saturation_range=(0.5, 1.5),
         hue_delta=18),
    dict(type='RelativeRandomCrop', min_crop=0.8, aspect=(0.5, 2.0),
         tries=50),
    dict(type='Resize', scale=(224, 224), keep_ratio=False,
         interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False,
         interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_data = dict(type='MLCDataset', data_root=data_root, ann_file=train_ann,
                  data_prefix=train_prefix, class_split=class_split,
                  pipeline=train_pipeline)
# StitchUpDataset items depend on the epoch: no persistent workers
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='StitchUpDataset', dataset=train_data))
loader_b = dict(
    batch_size=256,  # 32 x data_factor 8
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='ClassAwareSampler', num_samples_cls=3, reduce=4),
    dataset=dict(type='StitchUpDataset', dataset=train_data))
test_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='MLCDataset', data_root=data_root, ann_file=test_ann,
                 data_prefix=test_prefix, class_split=class_split,
                 pipeline=test_pipeline))
test_evaluator = [
    dict(type='MLCAveragePrecision', class_split=class_split),
    dict(type='BranchAveragePrecision', branch='random',
         class_split=class_split),
    dict(type='BranchAveragePrecision', branch='balanced',
         class_split=class_split),
    dict(type='MLCF1Metric'),
]
test_cfg = dict()
val_dataloader = None
val_evaluator = None
val_cfg = None

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
max_epochs = 8
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', by_epoch=True, milestones=[5, 7], gamma=0.1),
]
train_cfg = dict(
    type='DualLoaderEpochBasedTrainLoop',
    dataloader_b=loader_b,
    max_epochs=max_epochs,
    val_interval=max_epochs + 1)
custom_hooks = [
    dict(type='ClassFreqHook'),
    dict(type='CoLearningCorrectionHook', warmup_epoch=0),
]  # RandomStateHook is a default hook (exact resume)
randomness = dict(seed=1)  # official default
