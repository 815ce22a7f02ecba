# CORR + RECORDS with mixup on CIFAR100-LT, rho 100, q 0.05: Beta(4, 4)
# mixup of both views (lambda <- max(lambda, 1 - lambda)) in the same forward,
# weight 1 (the code's --alpha).
_base_ = ['./records-corr_r18_cifar100-lt-r100-q0.05.py']
model = dict(head=dict(mixup=True, mixup_alpha=4., mixup_weight=1.))
