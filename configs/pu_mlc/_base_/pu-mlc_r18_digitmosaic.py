# PU-MLC, CPU version on DigitMosaic: ResNet_CIFAR-18 (16 wide, 128-d) with
# LGC on the 16 3x3 convs of layer1-4, a reduced SSGRL head with Gaussian
# class vectors, VPU (alpha 1.0, gamma 0.55) + MixUp; DigitMosaic schedule.
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

# the trunk and input normalisation of the DigitMosaic r18 model
model = dict(
    _delete_=True,
    type='PUMLCClassifier',
    data_preprocessor={{_base_.model.data_preprocessor}},
    backbone={{_base_.model.backbone}},
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
