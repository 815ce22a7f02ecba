# Distribution-Balanced loss baseline (ECCV 2020) on clean VOC-MLT, the
# paper's setting: ResNet-50 (frozen_stages=1), PFC 2048->256, DB-focal,
# class-aware sampler, batch 32, SGD 0.02, warm-up 500 iterations, 8 epochs.
_base_ = ['../_base_/models/resnet50.py',
          '../_base_/models/db_losses.py',
          '../_base_/datasets/voc-mlt-noise_stitchup.py',
          '../_base_/schedules/sgd_colearning-8e.py',
          '../_base_/default_runtime.py']

class_split = 'data/voc-mlt/class_split.json'
train_data = dict(type='MLCDataset', data_root='data/',
                  ann_file='voc-mlt/train.json',
                  data_prefix='VOCdevkit/VOC2012', class_split=class_split,
                  pipeline={{_base_.train_pipeline}})
head_init = dict(type='Normal', layer='Linear', std=0.01, bias=0.)
model = dict(
    type='ImageClassifier',
    # every BN in eval mode, as the DB code's ResNet
    backbone=dict(frozen_stages=1, norm_eval=True),
    neck=dict(type='PFCStitchNeck', in_channels=2048, out_channels=256,
              dropout=0.5),
    head=dict(type='MLCLinearHead', num_classes={{_base_.num_classes}},
              in_channels=256, loss={{_base_.db_loss}}, init_cfg=head_init))
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
randomness = dict(seed=1)
