# ASL baseline on Open Images V6 (human-verified labels, 9,605 trainable
# classes, unknown entries -1 treated as negatives as in ASL's loss; see
# README.md). ASL publishes no Open Images training script, only a model
# (TResNet-L 448, 86.3 mAP); the recipe here is the authors' multi-label
# trainer as used on Open Images by their partial-label follow-up (CSL):
# Adam lr 2e-4 with coupled L2 1e-4 on weights (not biases/BN), OneCycle over
# 30 epochs (pct_start 0.2), EMA 0.9997, AMP, 224 inputs with Cutout +
# RandAugment, batch 128 in total, ASL gamma- 4, gamma+ 0, clip 0.05 with
# detached focal weights. TResNet-M is not in mmpretrain: ResNet-50
# (ImageNet) instead, so numbers are not comparable with the ASL model zoo.
# Prepare the label cache once (configs/_base_/datasets/open_images.py), then
#   bash tools/dist_train.sh configs/open_images/asl_r50_openimages.py 8
_base_ = [
    '../_base_/models/r50_mlc-448.py',
    '../_base_/datasets/open_images.py',
    '../_base_/ema_runtime.py',
]

lr = 2e-4
cycle_epochs = 30
model = dict(head=dict(num_classes=9605, loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0., gamma_neg=4.,
    clip=0.05, detach_focal=True, reduction='global_sum')))
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='Adam', lr=lr, weight_decay=1e-4),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
)
param_scheduler = [
    dict(type='OneCycleLR', eta_max=lr, total_steps=cycle_epochs,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=cycle_epochs, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=cycle_epochs, val_interval=5)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=128, enable=False)
