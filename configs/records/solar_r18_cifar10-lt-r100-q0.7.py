# SoLar (mixup) on CIFAR10-LT, rho 100, q 0.7 (RECORDS README: 53.15).
_base_ = ['./solar_r18_cifar10-lt-r100-q0.3.py']
build = dict(cifar='cifar10', imb_ratio=100, partial_rate=0.7,
             data_seed=0)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
