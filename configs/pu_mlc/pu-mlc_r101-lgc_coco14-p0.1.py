# PU-MLC (ICME 2024, arXiv 2306.16016) on COCO 2014 with the PU-MLC partial
# labels (docs/datasets.md): every (image, class) entry of the full train
# label matrix kept with probability 0.1 (np.random.seed(0) draw, bit-for-bit),
# the rest -1; all 82,783 train images incl. the ~700 unannotated ones; test =
# all 40,504 val2014 images (full labels). Recipe of the official code
# (COCO values): ResNet-101 (ImageNet) with LGC on its 33 3x3 convs, stem +
# layer1-3 frozen except the LGC branches, every BatchNorm in eval mode; SSGRL
# head with COCO word vectors; VPU loss (alpha 1.0, gamma 0.55) + MixUp
# consistency (Beta(0.3, 0.3)); 448 inputs; Adam 1e-4 with coupled L2 1e-4 on
# every trainable parameter; OneCycle over 80 epochs stopped after 41; EMA
# decay 0.9997; batch 35 x 2 GPUs; AMP.
# Build the files (tools/dataset_converters/convert_pu_mlc.py):
#   python tools/dataset_converters/convert_pu_mlc.py coco \
#       data/coco2014/annotations/instances_train2014.json \
#       data/coco2014/pu-mlc_train_p0.1.json --prob 0.1
#   python tools/dataset_converters/convert_pu_mlc.py coco \
#       data/coco2014/annotations/instances_val2014.json \
#       data/coco2014/pu-mlc_val_full.json --prob 1
#   cp <PU-MLC repo>/data/coco/vectors.npy data/coco2014/pu-mlc_vectors.npy
# Train:
#   bash tools/dist_train.sh configs/pu_mlc/pu-mlc_r101-lgc_coco14-p0.1.py 2
# Reported: last-epoch test numbers of the EMA weights (mmengine evaluates
# the EMA model; `--cfg-options custom_hooks=[]` at test time gives the
# regular weights). No val split: the val loader monitors the test set.
_base_ = ['../_base_/default_runtime.py']

data_root = 'data/coco2014'
lr = 1e-4
cycle_epochs = 80
stop_epochs = 41
ema_decay = 0.9997

model = dict(
    type='PUMLCClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=101,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet101')),
    head=dict(
        type='SSGRLHead',
        num_classes=80,
        in_channels=2048,
        word_vec_file=data_root + '/pu-mlc_vectors.npy',
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
    num_workers=8,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='MLCDataset',
        data_root=data_root,
        ann_file='pu-mlc_train_p0.1.json',
        data_prefix=dict(img_path='train2014'),
        pipeline=train_pipeline),
)
test_dataloader = dict(
    batch_size=35,
    num_workers=8,
    persistent_workers=True,
    drop_last=False,  # the code dropped the last test batch (9 images)
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='MLCDataset',
        data_root=data_root,
        ann_file='pu-mlc_val_full.json',
        data_prefix=dict(img_path='val2014'),
        pipeline=test_pipeline),
)
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric', thr=0.5),
]
val_evaluator = [
    dict(type='MLCAveragePrecision', prefix='test_monitor'),
    dict(type='MLCF1Metric', thr=0.5, prefix='test_monitor'),
]

# Adam + coupled L2 on every trainable parameter (no paramwise exclusions)
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='Adam', lr=lr, weight_decay=1e-4))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=lr, total_steps=cycle_epochs,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=cycle_epochs, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=stop_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=70, enable=False)

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='SafeCheckpointHook', interval=1, max_keep_ckpts=2,
                    save_best=None))
custom_hooks = [
    dict(type='SSGRLGraphHook'),
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=1 - ema_decay,
         update_buffers=True, priority=49),
]
