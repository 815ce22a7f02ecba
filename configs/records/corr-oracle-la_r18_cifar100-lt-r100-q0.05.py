# CORR + Oracle-LA on CIFAR100-LT, rho 100, q 0.05: RECORDS with the
# estimated prior replaced by the true training class frequencies (oracle
# information), at disambiguation and at test.
_base_ = ['./corr_r18_cifar100-lt-r100-q0.05.py']
model = dict(head=dict(prior='oracle', debias_test=True))
