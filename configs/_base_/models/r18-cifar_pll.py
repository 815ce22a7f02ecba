# Partial-label model for DigitMosaic-PLL (docs/datasets.md):
# resnet18-cifar_pll.py narrowed to the small CPU ResNet_CIFAR-18 (16 base
# channels, 128-d features) with the [-1, 1] input scaling of DigitMosaic.
# All views of a batch go through the backbone in one forward.
_base_ = ['./resnet18-cifar_pll.py']
model = dict(
    data_preprocessor=dict(mean=[127.5, 127.5, 127.5],
                           std=[127.5, 127.5, 127.5]),
    backbone=dict(stem_channels=16, base_channels=16),
    head=dict(in_channels=128))
