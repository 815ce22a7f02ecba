# records-corr_mixup on CIFAR-100-LT-NU (siblings in the superclass join with
# 8q), rho 100, q 0.05; class permutation seed 123 as the official run seed
# (the authors' draw: class 79 at the head); no published number.
_base_ = ['./records-corr_r18_cifar100-lt-r100-q0.05_mixup.py']
build = dict(cifar='cifar100', imb_ratio=100, partial_rate=0.05,
             data_seed=0, hierarchical=True, class_perm_seed=123)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
