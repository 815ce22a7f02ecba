# RECORDS CIFAR schedule: SGD lr 0.01, momentum
# 0.9, weight decay 1e-3 on all parameters, cosine over 800 epochs to 1e-5
# per epoch, no warm-up; batch 256 on 1 GPU (scale lr linearly otherwise).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-3))
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=800, eta_min=1e-5),
]
train_cfg = dict(by_epoch=True, max_epochs=800, val_interval=50)
val_cfg = dict()
test_cfg = dict()
