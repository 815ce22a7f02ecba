# CORR + RECORDS on CIFAR-100-LT-NU, rho 100, q 0.03 (the authors' class
# permutation, seed 123).
_base_ = ['./_base_/corr_cifar100.py', '../_base_/datasets/cifar100-lt-nu_pll.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
build = dict(imb_ratio=100, partial_rate=0.03)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
