# BCE linear probe on DigitMosaic-PLT: the baseline of
# comic_r18-frozen_digitmosaic-plt.py (same pre-trained, frozen trunk with BN
# in eval mode; only the linear head trains). Pre-train first:
#   python tools/train.py configs/comic/r18_digitmosaic-full-seed1_pretrain.py
_base_ = ['./bce_r18_digitmosaic-plt.py']

pretrained = 'work_dirs/r18_digitmosaic-full-seed1_pretrain/epoch_12.pth'
model = dict(
    backbone=dict(frozen_stages=4, norm_eval=True,
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                                prefix='backbone.')))
