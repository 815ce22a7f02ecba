# PU-MLC on DigitMosaic-PL (balanced mosaics, the "0.4left" rule: one kept
# positive per image, the rest -1). Every non-positive is "unlabeled" for the
# variational PU loss. The CPU version of the paper's model on the shared
# DigitMosaic backbone (ResNet_CIFAR-18, 16 base channels, 128-d, as every
# method of the results table): LGC on every 3x3 conv of layer1-4 (16 convs
# of BasicBlocks), an SSGRL head with reduced widths and Gaussian class
# vectors (DigitMosaic has no word vectors), the MixUp second forward. The
# bottleneck version of DigitMosaic (ResNet_CIFAR-50, 16 wide, 512-d) is
# pu-mlc_r50_digitmosaic-pl40.py (about 3x slower per step).
# Deviations from the paper's recipe (no ImageNet weights exist for this
# backbone): nothing is frozen and BatchNorms train; Adam 1e-3 + cosine over
# 12 epochs (the DigitMosaic schedule), no EMA, no OneCycle; VPU alpha/gamma
# of the COCO recipe (1.0 / 0.55).
_base_ = [
    '../_base_/datasets/digitmosaic.py',
    '../_base_/schedules/digitmosaic_adam.py',
    '../_base_/digitmosaic_runtime.py',
]

model = dict(
    type='PUMLCClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=False),
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),  # as _base_/models/r18-cifar_mlc.py
    head=dict(
        type='SSGRLHead',
        num_classes=10,
        in_channels=128,
        word_vec_file=None,
        feat_channels=128,
        attn_channels=64,
        out_channels=128,
        gnn_steps=3,
        pool_size=None,
        loss=dict(type='VPULoss', temp_scale=1.0, rebalance_gamma=0.55)),
    mix_loss=dict(type='PUMixupConsistencyLoss', mix_alpha=0.3,
                  loss_weight=1.0),
    lgc=dict(heads=8, reduction=4),
    frozen_stages=-1,
    norm_eval_all=False,
)

# the MixUp draws (lambda, permutation) use torch's global RNG: resumed runs
# continue bit-identically thanks to the default RandomStateHook
custom_hooks = [dict(type='SSGRLGraphHook')]

train_dataloader = dict(dataset=dict(variant='pl'))
val_dataloader = dict(dataset=dict(variant='pl'))
test_dataloader = dict(dataset=dict(variant='pl'))
