# Distribution-Balanced loss baseline on (clean) VOC-MLT (ECCV 2020;
# wutong16/DistributionBalancedLoss), the paper's setting: one ResNet-50
# (frozen_stages=1), PFC neck 2048->256 with dropout 0.5, DB-focal loss
# (rebalance, focal 2/2, init_bias 0.05, neg_scale 5, map (0.1, 10, 0.3)),
# class-aware sampler, batch 32, SGD 0.02, 500-iteration linear warm-up, steps
# [5, 7], 8 epochs; last epoch reported (published 78.94 / 73.22 / 84.18 / 79.30).
# Data: convert_db_mlt.py appendix/VOCdevkit/longtail2012 data/voc-mlt/train.json
# --dataset voc (class_split.json beside it); test: VOC2007 test, difficult
# objects positive (make_voc_multilabel.py --difficult positive).
_base_ = ['../stitchup/stitchup_r50_voc-mlt-noise50.py']

class_split = 'data/voc-mlt/class_split.json'
train_data = dict(type='MLCDataset', data_root='data/',
                  ann_file='voc-mlt/train.json',
                  data_prefix='VOCdevkit/VOC2012', class_split=class_split,
                  pipeline={{_base_.train_pipeline}})
model = dict(
    _delete_=True,
    type='ImageClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        frozen_stages=1,
        norm_eval=True,  # every BN in eval mode, as the DB code's ResNet
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(type='PFCStitchNeck', in_channels=2048, out_channels=256,
              dropout=0.5),
    head=dict(type='MLCLinearHead', num_classes=20, in_channels=256,
              loss={{_base_.db_loss}}, init_cfg={{_base_.head_init}}))
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassAwareSampler', num_samples_cls=3,
                 reduce=4),
    dataset=dict(_delete_=True, **train_data))
test_dataloader = dict(dataset=dict(class_split=class_split))
test_evaluator = [
    dict(type='MLCAveragePrecision', class_split=class_split),
    dict(type='MLCF1Metric'),
]
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0,
         end=500),
    dict(type='MultiStepLR', by_epoch=True, milestones=[5, 7], gamma=0.1),
]
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop', max_epochs=8,
                 val_interval=100)
custom_hooks = [dict(type='ClassFreqHook')]
