# SoLar (mixup) on CIFAR10-LT, rho 50, q 0.5 (RECORDS README: 76.55).
_base_ = ['./solar_r18_cifar10-lt-r100-q0.3.py']
build = dict(cifar='cifar10', imb_ratio=50, partial_rate=0.5,
             data_seed=0)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
