# CIFAR-100-LT partial-label (benchmarks.md §5); shot groups 33/34/33 by rank.
_base_ = ['./cifar10_lt_pll.py']
data_root = 'data/cifar100'
build = dict(cifar='cifar100', imb_ratio=100, partial_rate=0.05, data_seed=0)
train_dataloader = dict(dataset=dict(data_root=data_root, **build))
test_dataloader = dict(dataset=dict(data_root=data_root, **build))
val_dataloader = test_dataloader
