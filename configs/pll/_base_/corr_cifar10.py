# CORR (as run in the RECORDS code) on CIFAR-10: ResNet-18 (CIFAR stem and
# statistics), SGD over 800 epochs, last epoch reported. The leaves add the
# dataset base, the build (rho, q) and the prior (RECORDS / Oracle-LA).
_base_ = [
    '../../_base_/models/resnet18-cifar_pll.py',
    '../../_base_/schedules/cifar_pll_sgd_800e.py',
    '../../_base_/pll_runtime.py',
]
