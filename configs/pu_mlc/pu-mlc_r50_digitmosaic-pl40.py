# PU-MLC on DigitMosaic-PL with the bottleneck backbone of DigitMosaic:
# ResNet_CIFAR-50 with 16 base channels (512-d), LGC on its 16 bottleneck 3x3
# convs (the converter's paper setting), SSGRL head 256/128/256. Otherwise
# the -pl40 recipe. About 3x the cost of the r18 config per step.
_base_ = ['./pu-mlc_r18_digitmosaic-pl40.py']

model = dict(
    backbone=dict(depth=50),
    head=dict(in_channels=512, feat_channels=256, attn_channels=128,
              out_channels=256))
