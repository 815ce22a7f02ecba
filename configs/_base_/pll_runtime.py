# Runtime of the long-tailed partial-label benchmarks without a val split
# (CIFAR-LT, PLL-VOC): the test set is only monitored, so no best checkpoint
# is kept and the last epoch is reported; a checkpoint every 50 epochs.
_base_ = ['./default_runtime.py']

default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=50, max_keep_ckpts=2, save_best=None))
