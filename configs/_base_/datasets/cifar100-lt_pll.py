# CIFAR-100-LT partial-label (docs/datasets.md); shot groups 33/34/33 by rank.
# The authors' draw (legacy_rng=True) as for CIFAR-10. Pair with
# models/resnet18-cifar100_pll.py, which holds the CIFAR-100 normalisation.
_base_ = ['./cifar10-lt_pll.py']
data_root = 'data/cifar100'
build = dict(cifar='cifar100', imb_ratio=100, partial_rate=0.05, data_seed=0,
             legacy_rng=True)
train_dataloader = dict(dataset=dict(data_root=data_root, **build))
test_dataloader = dict(dataset=dict(data_root=data_root, **build))
val_dataloader = test_dataloader
