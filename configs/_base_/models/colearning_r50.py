# Heterogeneous co-learning (Stitch-Up paper, VOC values): a frozen ResNet-50
# trunk (stem..layer3, BN eval) computed once, branch R (PFC 2048->256, BCE)
# and branch B (PFC dropout 0.5, DB-focal), each with its own layer4.
_base_ = ['./resnet50.py', './db_losses.py']

head_init = dict(type='Normal', layer='Linear', std=0.01, bias=0.)
model = dict(
    type='CoLearningClassifier',
    data_preprocessor=dict(type='CoLearningDataPreprocessor'),
    backbone=dict(frozen_stages=3, norm_eval=True),
    branches=dict(
        random=dict(
            neck=dict(type='PFCStitchNeck', in_channels=2048,
                      out_channels=256, dropout=0.0),
            head=dict(type='MLCLinearHead', num_classes={{_base_.num_classes}},
                      in_channels=256, loss={{_base_.bce_loss}},
                      init_cfg=head_init)),
        balanced=dict(
            neck=dict(type='PFCStitchNeck', in_channels=2048,
                      out_channels=256, dropout=0.5),
            head=dict(type='MLCLinearHead', num_classes={{_base_.num_classes}},
                      in_channels=256, loss={{_base_.db_loss}},
                      init_cfg=head_init))),
    stitch='feature_avg',
    correction=True,
    thresholds=dict(random_head_alpha=0.7, balance_head_alpha=0.7,
                    random_tail_beta=0.1, balance_tail_beta=0.1),
    fuse_weight_random=0.1)
# class counts for the DB loss; the cross correction of the two branches
custom_hooks = [
    dict(type='ClassFreqHook'),
    dict(type='CoLearningCorrectionHook', warmup_epoch=0),
]  # RandomStateHook is a default hook (exact resume)
