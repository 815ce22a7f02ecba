# CPU schedule of DigitMosaic-PLL: SGD (lr 0.05, momentum 0.9, wd 1e-3 on all
# parameters as in the RECORDS recipe), cosine to 1e-5 per epoch, 4 epochs
# (two views per image: ~45-80 s per epoch on one shared CPU thread).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=4, eta_min=1e-5),
]
train_cfg = dict(by_epoch=True, max_epochs=4, val_interval=2)
val_cfg = dict()
test_cfg = dict()
