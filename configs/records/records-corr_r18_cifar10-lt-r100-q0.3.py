# CORR + RECORDS on CIFAR-10-LT, rho 100, q 0.3 (RECORDS README: 77.66, best
# or last not stated): confidence update and test prediction debiased by
# pi_hat = softmax(W phi_bar + b), phi_bar the momentum-0.9 feature mean.
_base_ = ['./corr_r18_cifar10-lt-r100-q0.3.py']
model = dict(head=dict(prior='records', momentum=0.9, debias_test=True))
