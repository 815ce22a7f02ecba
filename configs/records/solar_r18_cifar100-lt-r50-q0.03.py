# SoLar (mixup) on CIFAR100-LT, rho 50, q 0.03 (RECORDS README: 47.93).
_base_ = ['./solar_r18_cifar100-lt-r100-q0.05.py']
build = dict(cifar='cifar100', imb_ratio=50, partial_rate=0.03,
             data_seed=0)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
