# Ablation: PU-MLC on DigitMosaic-PL without the MixUp consistency term (no
# second forward pass).
_base_ = ['./_base_/pu-mlc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pl40.py']

model = dict(mix_loss=None)
