# CORR (as run in the RECORDS code) on CIFAR-100-LT, rho 100, q 0.05; the
# CIFAR-100 model base carries the CIFAR-100 statistics and 100 classes.
_base_ = [
    '../_base_/models/resnet18-cifar100_pll.py',
    '../_base_/datasets/cifar100_lt_pll.py',
    '../_base_/schedules/cifar_pll_sgd_800e.py',
    '../_base_/default_runtime.py',
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=50, max_keep_ckpts=2, save_best=None))
