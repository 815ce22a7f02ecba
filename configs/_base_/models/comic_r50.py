# COMIC (ICCV 2023), the paper's model: frozen ImageNet ResNet-50 computed
# once per batch, three branches (Linear 2048->1024 + LogSoftmax, NormLinear
# classifiers with TDE, additive attention), MFM + RLC + HTB.
_base_ = ['./resnet50.py']

num_classes = 80
model = dict(
    _delete_=True,
    type='ComicClassifier',
    data_preprocessor={{_base_.model.data_preprocessor}},
    trunk={{_base_.model.backbone}},
    trunk_frozen=True,
    trunk_norm_eval=False,  # the code: frozen BNs use batch statistics
    neck=dict(type='ComicFeatNeck', in_channels=2048, out_channels=1024),
    head=dict(
        type='ComicHead',
        num_classes=num_classes,
        in_channels=1024,
        cls=dict(type='NormLinearClsHead', scale=16., eta=1. / 32, groups=1,
                 tde_alpha=2.),
        attention=dict(type='AdditiveAttention', dropout=0.1, scale=0.1),
        cls_loss=dict(type='MultiFocalModifierLoss', gamma_pos=0.,
                      gamma_neg=3., clip=0.05, neg_gain=1.2,
                      weight_exponent=1. / 3),
        rlc_loss=dict(type='RLCLoss', tau=0.7, margin=1.0, clip=0.05,
                      weight_exponent=1. / 6, threshold_mode='batch',
                      correct='unknown_only', start_epoch=0),
        htb_loss=dict(type='HeadTailBalancerLoss', alpha=2.),
        rlc_weight=0.2,
        mfm_weight=1.0,
        htb_weight=1.0,
        feat_momentum=0.9,
        comic_mode='paper',
        # None: counts and co-occurrence of the observed training labels
        # (ComicCorrectionHook); for exact reproduction of the released
        # statistics use '<data_root>/distribution.txt' and
        # '<data_root>/cooccurrence.npy'
        class_freq=None,
        cooccurrence=None),
)
