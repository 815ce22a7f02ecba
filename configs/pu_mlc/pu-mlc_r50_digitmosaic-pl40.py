# PU-MLC on DigitMosaic-PL with the bottleneck ResNet_CIFAR-50 (16 wide,
# 512-d; LGC on its 16 bottleneck 3x3 convs), SSGRL head 256/128/256.
_base_ = ['./_base_/pu-mlc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pl40.py']

model = dict(
    backbone=dict(depth=50),
    head=dict(in_channels=512, feat_channels=256, attn_channels=128,
              out_channels=256))
