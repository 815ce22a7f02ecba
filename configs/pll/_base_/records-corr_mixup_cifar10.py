# CORR + RECORDS with mixup on CIFAR-10: corr_cifar10.py with the RECORDS prior
# and the mixup of both views (Beta(4, 4), loss weight 1). The leaves add the
# dataset base and set the build (rho, q).
_base_ = [
    '../../_base_/models/resnet18-cifar_pll.py',
    '../../_base_/schedules/cifar_pll_sgd_800e.py',
    '../../_base_/pll_runtime.py',
]
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True,
                       mixup=True, mixup_alpha=4., mixup_weight=1.))
