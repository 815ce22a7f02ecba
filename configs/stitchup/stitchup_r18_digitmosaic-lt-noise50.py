# Heterogeneous co-learning + Stitch-Up (feature average) on DigitMosaic-LT-Noise
# (rho 50, inject_noise r=0.5; docs/datasets.md) -- the CPU smoke recipe of
# Stitch-Up: ResNet_CIFAR-18 (16 base channels) trunk shared and
# trainable (`trunk_frozen=False` project variant: no pretrained weights), two
# layer4 copies, PFC necks 128->64, branch R (uniform sampler, BCE) and branch B
# (class-aware sampler, DB-focal), thresholds of the published VOC noise-0.5
# recipe (not tuned on DigitMosaic), fused test logits 0.1 z_R + 0.9 z_B.
# CPU budget (project choice, see README): batch 32 for both loaders (data
# factor 1 instead of 8) and 3 epochs; one epoch = len(loader R) = 61 iterations.
_base_ = [
    '../_base_/datasets/digitmosaic.py',
    '../_base_/schedules/digitmosaic_adam.py',
    '../_base_/digitmosaic_runtime.py',
]
variant = 'lt-noise'
num_classes = 10

db_loss = dict(
    type='DistributionBalancedLoss',
    class_freq='dataset',
    reweight='rebalance',
    map_param=dict(alpha=0.1, beta=10.0, gamma=0.3),
    logit_reg=dict(init_bias=0.05, neg_scale=5.0),
    focal=dict(balance_param=2.0, gamma=2),
    reduction='mean')
bce_loss = dict(type='MaskedBCELoss', reduction='mean')

model = dict(
    type='CoLearningClassifier',
    data_preprocessor=dict(
        type='CoLearningDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=False),
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),  # as _base_/models/r18-cifar_mlc.py
    branches=dict(
        random=dict(
            neck=dict(type='PFCStitchNeck', in_channels=128, out_channels=64,
                      dropout=0.0),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=64, loss=bce_loss)),
        balanced=dict(
            neck=dict(type='PFCStitchNeck', in_channels=128, out_channels=64,
                      dropout=0.5),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=64, loss=db_loss))),
    stitch='feature_avg',
    correction=True,
    thresholds=dict(random_head_alpha=0.7, balance_head_alpha=0.7,
                    random_tail_beta=0.1, balance_tail_beta=0.1),
    fuse_weight_random=0.1)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
digitmosaic_train = dict(type='DigitMosaic', data_root='data/digitmosaic',
                         variant=variant, split='train',
                         pipeline=train_pipeline)
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    drop_last=True,
    dataset=dict(_delete_=True, type='StitchUpDataset',
                 dataset=digitmosaic_train))
loader_b = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='ClassAwareSampler', num_samples_cls=3, reduce=4),
    drop_last=True,
    dataset=dict(type='StitchUpDataset', dataset=digitmosaic_train))
val_dataloader = dict(dataset=dict(variant=variant))
test_dataloader = dict(dataset=dict(variant=variant))

val_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='BranchAveragePrecision', branch='random'),
    dict(type='BranchAveragePrecision', branch='balanced'),
    dict(type='MLCF1Metric'),
]
test_evaluator = val_evaluator

max_epochs = 3
train_cfg = dict(
    _delete_=True,
    type='DualLoaderEpochBasedTrainLoop',
    dataloader_b=loader_b,
    max_epochs=max_epochs,
    val_interval=1)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=max_epochs,
         eta_min=1e-5, convert_to_iter_based=True),
]
custom_hooks = [
    dict(type='ClassFreqHook'),
    dict(type='CoLearningCorrectionHook', warmup_epoch=0),
]  # RandomStateHook is a default hook (exact resume)
