# Co-learning + Stitch-Up, CPU recipe on DigitMosaic-LT-Noise: trainable shared
# ResNet_CIFAR-18 trunk, two layer4 copies, PFC 128->64, the published VOC
# noise-0.5 thresholds; batch 32 for both loaders (data factor 1), 3 epochs.
_base_ = ['../../_base_/recipes/r18_digitmosaic.py',
          '../../_base_/datasets/digitmosaic.py',
          '../../_base_/models/db_losses.py']

variant = 'lt-noise'
num_classes = 10

model = dict(
    _delete_=True,
    type='CoLearningClassifier',
    data_preprocessor=dict(
        type='CoLearningDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=False),
    backbone={{_base_.model.backbone}},  # the DigitMosaic r18 trunk
    branches=dict(
        random=dict(
            neck=dict(type='PFCStitchNeck', in_channels=128, out_channels=64,
                      dropout=0.0),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=64, loss={{_base_.bce_loss}})),
        balanced=dict(
            neck=dict(type='PFCStitchNeck', in_channels=128, out_channels=64,
                      dropout=0.5),
            head=dict(type='MLCLinearHead', num_classes=num_classes,
                      in_channels=64, loss={{_base_.db_loss}}))),
    stitch='feature_avg',
    correction=True,
    thresholds=dict(random_head_alpha=0.7, balance_head_alpha=0.7,
                    random_tail_beta=0.1, balance_tail_beta=0.1),
    fuse_weight_random=0.1)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(32, 32), interpolation='area'),
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
