# BCE baseline ("assume negative") on DigitMosaic-PLT: long-tailed (rho 50),
# 40% of the positive labels missing (stored as -1, treated as negatives).
_base_ = [
    '../_base_/models/r18-cifar_mlc.py',
    '../_base_/datasets/digitmosaic.py',
    '../_base_/schedules/digitmosaic_adam.py',
    '../_base_/digitmosaic_runtime.py',
]
