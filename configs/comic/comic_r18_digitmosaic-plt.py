# COMIC on DigitMosaic-PLT (long-tailed rho 50, 40% of positives missing).
# CPU smoke setting of COMIC: the small ResNet_CIFAR-18 trunk is not
# pretrained, so it is trained and shared by the three branches
# (trunk_frozen=False, trunk_mode='shared'; a project variant, not the paper's
# frozen linear probe); branch features 128-d. Same data, schedule (Adam 1e-3,
# cosine, 12 epochs) and runtime as configs/baselines/bce_r18_digitmosaic-plt.py.
_base_ = [
    '../_base_/datasets/digitmosaic.py',
    '../_base_/schedules/digitmosaic_adam.py',
    '../_base_/digitmosaic_runtime.py',
]

model = dict(
    type='ComicClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=False),
    trunk=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),  # as _base_/models/r18-cifar_mlc.py
    trunk_frozen=False,
    trunk_mode='shared',
    neck=dict(type='ComicFeatNeck', in_channels=128, out_channels=128),
    head=dict(
        type='ComicHead',
        num_classes=10,
        in_channels=128,
        cls=dict(type='NormLinearClsHead', scale=16., eta=1. / 32, groups=1,
                 tde_alpha=2.),
        attention=dict(type='AdditiveAttention', dropout=0.1, scale=0.1),
        cls_loss=dict(type='MultiFocalModifierLoss'),
        rlc_loss=dict(type='RLCLoss', tau=0.7, margin=1.0, start_epoch=0),
        htb_loss=dict(type='HeadTailBalancerLoss', alpha=2.),
        rlc_weight=0.2,
        mfm_weight=1.0,
        htb_weight=1.0,
        comic_mode='paper'),
)

# class counts / co-occurrence from the observed training labels, epoch
# bookkeeping of RLC, precision/recall of the recovered labels vs gt_clean
custom_hooks = [dict(type='ComicCorrectionHook')]
