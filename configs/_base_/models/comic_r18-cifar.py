# COMIC on the small DigitMosaic ResNet (ResNet_CIFAR-18, 16 base channels,
# 128-d): the trunk trained and shared by the three branches (project
# variant), 128-d branch features, MFM + RLC + HTB.
_base_ = ['./r18-cifar_mlc.py']

model = dict(
    _delete_=True,
    type='ComicClassifier',
    data_preprocessor={{_base_.model.data_preprocessor}},
    trunk={{_base_.model.backbone}},
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
