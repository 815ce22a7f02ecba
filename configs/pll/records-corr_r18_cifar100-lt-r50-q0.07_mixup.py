# CORR + RECORDS with mixup on CIFAR-100-LT, rho 50, q 0.07.
_base_ = ['./_base_/records-corr_mixup_cifar100.py',
          '../_base_/datasets/cifar100-lt_pll.py']
build = dict(imb_ratio=50, partial_rate=0.07)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
