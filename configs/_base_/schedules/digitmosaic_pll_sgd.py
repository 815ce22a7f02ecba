# CPU schedule of DigitMosaic-PLL: the RECORDS CIFAR optimiser (SGD momentum
# 0.9, wd 1e-3 on all parameters) at lr 0.05, cosine to 1e-5 per epoch over
# 4 epochs (two views per image: ~45-80 s per epoch on one shared CPU thread).
_base_ = ['./cifar_pll_sgd_800e.py']
optim_wrapper = dict(optimizer=dict(lr=0.05))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=4, eta_min=1e-5),
]
train_cfg = dict(max_epochs=4, val_interval=2)
