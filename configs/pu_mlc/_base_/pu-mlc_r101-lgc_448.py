# PU-MLC, the official recipe (COCO values): ResNet-101 with LGC, stem +
# layer1-3 frozen but the LGC branches, BN eval; SSGRL head; VPU + MixUp;
# 448 inputs; Adam + coupled L2, OneCycle(80) stopped at 41; EMA; AMP.
_base_ = ['../../_base_/models/resnet50.py',
          '../../_base_/datasets/loaders_no-val-split.py',
          '../../_base_/schedules/adam_onecycle-80e-stop31.py',
          '../../_base_/ema_runtime.py']

lr = 1e-4  # the schedule's
stop_epochs = 41
ema_decay = 0.9997

model = dict(
    type='PUMLCClassifier',
    backbone=dict(
        depth=101,
        init_cfg=dict(checkpoint='torchvision://resnet101')),
    head=dict(
        type='SSGRLHead',
        num_classes=80,
        in_channels=2048,
        feat_channels=1024,
        attn_channels=512,
        out_channels=1024,
        gnn_steps=3,
        pool_size=2,
        loss=dict(type='VPULoss', temp_scale=1.0, rebalance_gamma=0.55)),
    mix_loss=dict(type='PUMixupConsistencyLoss', mix_alpha=0.3,
                  loss_weight=1.0),
    lgc=dict(heads=8, reduction=4),
    frozen_stages=3,
    norm_eval_all=True,
)

# PIL (antialiased) bicubic resizes, as torchvision's Resize in the code
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(512, 512), interpolation='bicubic',
         backend='pillow'),
    dict(type='RandomSquareCropChoice', sizes=(512, 448, 384, 320, 256)),
    dict(type='Resize', scale=(448, 448), interpolation='bicubic',
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(448, 448), interpolation='bicubic',
         backend='pillow'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=35,  # per GPU: 2 GPUs x 35, as the code
    drop_last=True,
    dataset=dict(type='MLCDataset', pipeline=train_pipeline),
)
test_dataloader = dict(
    batch_size=35,
    drop_last=False,  # the code dropped the last test batch (9 images)
    dataset=dict(type='MLCDataset', pipeline=test_pipeline),
)
val_dataloader = test_dataloader

# Adam + coupled L2 on every trainable parameter (no paramwise exclusions);
# the schedule's OneCycle over 80 epochs, stopped later
optim_wrapper = dict(
    _delete_=True,
    type='AmpOptimWrapper',
    optimizer=dict(type='Adam', lr=lr, weight_decay=1e-4))
train_cfg = dict(max_epochs=stop_epochs)
auto_scale_lr = dict(base_batch_size=70)
custom_hooks = [
    dict(type='SSGRLGraphHook'),
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=1 - ema_decay,
         update_buffers=True, priority=49),
]
