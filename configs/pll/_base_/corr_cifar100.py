# CORR (as run in the RECORDS code) on CIFAR-100: as corr_cifar10.py with the
# CIFAR-100 model base (its statistics, 100 classes). The leaves add the
# dataset base (LT or LT-NU) and set the build (rho, q) and the prior.
_base_ = [
    '../../_base_/models/resnet18-cifar100_pll.py',
    '../../_base_/schedules/cifar_pll_sgd_800e.py',
    '../../_base_/pll_runtime.py',
]
