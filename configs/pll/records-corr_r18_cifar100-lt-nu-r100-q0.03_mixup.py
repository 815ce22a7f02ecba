# CORR + RECORDS with mixup on CIFAR-100-LT-NU, rho 100, q 0.03 (the authors'
# class permutation, seed 123).
_base_ = ['./_base_/records-corr_mixup_cifar100.py',
          '../_base_/datasets/cifar100-lt-nu_pll.py']
build = dict(imb_ratio=100, partial_rate=0.03)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
