# CORR on PLL-VOC: ResNet-18 (CIFAR stem) on 128 px images with the VOC-PLL
# statistics (RGB), 20 classes, the borrowed 200-epoch schedule, last epoch
# reported. The leaves set the method.
_base_ = [
    '../../_base_/models/resnet18-cifar_pll.py',
    '../../_base_/datasets/pll-voc.py',
    '../../_base_/schedules/pll-voc_sgd_200e.py',
    '../../_base_/pll_runtime.py',
]
model = dict(
    data_preprocessor=dict(mean=[65.13, 57.20, 52.79],
                           std=[61.56, 56.28, 53.65], to_rgb=True),
    head=dict(num_classes=20))
default_hooks = dict(checkpoint=dict(interval=20))
