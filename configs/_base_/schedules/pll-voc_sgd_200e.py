# PLL-VOC schedule (no official one exists; HTC-LTPLL's, borrowed): the
# RECORDS CIFAR optimiser (SGD lr 0.01, momentum 0.9, wd 1e-3) with the
# cosine over 200 epochs, batch 128 on 1 GPU.
_base_ = ['./cifar_pll_sgd_800e.py']
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=200, eta_min=1e-5),
]
train_cfg = dict(max_epochs=200, val_interval=20)
