# COMIC on DigitMosaic in the paper's regime: the trunk of the BCE
# pre-training (../bce_r18_digitmosaic-pretrain.py) frozen, BN in eval mode;
# only necks, attention and classifiers train.
_base_ = ['../../_base_/models/comic_r18-cifar.py',
          '../../_base_/datasets/digitmosaic.py',
          '../../_base_/schedules/digitmosaic_adam.py',
          '../../_base_/digitmosaic_runtime.py']

pretrained = 'work_dirs/bce_r18_digitmosaic-pretrain/epoch_12.pth'
model = dict(
    trunk=dict(init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                             prefix='backbone.')),
    trunk_frozen=True,
    trunk_norm_eval=True)
custom_hooks = [dict(type='ComicCorrectionHook')]
