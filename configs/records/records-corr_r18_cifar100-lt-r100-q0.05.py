# CORR + RECORDS on CIFAR-100-LT, rho 100, q 0.05.
_base_ = ['./corr_r18_cifar100-lt-r100-q0.05.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
