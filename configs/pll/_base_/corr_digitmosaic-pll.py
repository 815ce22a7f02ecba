# CORR on DigitMosaic-PLL: the small CPU ResNet_CIFAR-18, the 4-epoch CPU
# schedule, the best checkpoint chosen on the val split. The leaves set the
# method (prior of the confidence update, or the SoLar head).
_base_ = [
    '../../_base_/models/r18-cifar_pll.py',
    '../../_base_/datasets/digitmosaic_pll.py',
    '../../_base_/schedules/digitmosaic_pll_sgd.py',
    '../../_base_/digitmosaic_runtime.py',
]
default_hooks = dict(
    checkpoint=dict(save_best='pll/top1', rule='greater'))
