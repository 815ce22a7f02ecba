# CORR + RECORDS with mixup on CIFAR-10-LT, rho 100, q 0.3.
_base_ = ['./_base_/records-corr_mixup_cifar10.py',
          '../_base_/datasets/cifar10-lt_pll.py']
build = dict(imb_ratio=100, partial_rate=0.3)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
