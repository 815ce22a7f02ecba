# CORR on PLL-VOC. No official hyper-parameters exist: these are HTC-LTPLL's
# (200 epochs, batch 128, lr 0.01, wd 1e-3, 128 px, 6/7/7 split), borrowed.
_base_ = [
    '../_base_/models/resnet18-cifar_pll.py',
    '../_base_/datasets/pll_voc.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(mean=[65.13, 57.20, 52.79],
                           std=[61.56, 56.28, 53.65], to_rgb=True),
    head=dict(num_classes=20))
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=200, eta_min=1e-5),
]
train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=20)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=20, max_keep_ckpts=2, save_best=None))
