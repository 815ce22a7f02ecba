# BCE linear probe on DigitMosaic-PLT: the trunk of the BCE pre-training
# (configs/comic/bce_r18_digitmosaic-pretrain.py) frozen, BN in eval mode.
_base_ = ['../_base_/recipes/r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']

pretrained = 'work_dirs/bce_r18_digitmosaic-pretrain/epoch_12.pth'
model = dict(
    backbone=dict(frozen_stages=4, norm_eval=True,
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                                prefix='backbone.')))
