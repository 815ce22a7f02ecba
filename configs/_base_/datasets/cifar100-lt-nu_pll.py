# CIFAR-100-LT-NU partial-label (docs/datasets.md): CIFAR-100-LT with the
# class counts permuted over the classes (class_perm_seed) and non-uniform
# candidates: the siblings of the true label in its CIFAR-100 superclass join
# with rate min(8q, 1), other labels with q. class_perm_seed=123 with
# legacy_rng=True is the authors' draw (their run seed; class 79 at the head).
# Leaves set rho and q.
_base_ = ['./cifar100-lt_pll.py']
build = dict(hierarchical=True, class_perm_seed=123)
train_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
val_dataloader = test_dataloader
