# COMIC on DigitMosaic-PLT with the paper's frozen trunk (a linear
# probe on fixed features): the ResNet_CIFAR-18 trunk is initialised from the
# DigitMosaic-full (data seed 1) pre-training and frozen, BN in eval mode;
# only necks, attention and classifiers train. Pre-train first:
#   python tools/train.py configs/comic/r18_digitmosaic-full-seed1_pretrain.py
_base_ = ['./comic_r18_digitmosaic-plt.py']

pretrained = 'work_dirs/r18_digitmosaic-full-seed1_pretrain/epoch_12.pth'
model = dict(
    trunk=dict(init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                             prefix='backbone.')),
    trunk_frozen=True,
    trunk_norm_eval=True)
