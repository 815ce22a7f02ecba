# Frozen-trunk ablation on DigitMosaic-PLT: no Correction (no RLC).
_base_ = ['./_base_/comic_r18-frozen_digitmosaic.py']

model = dict(head=dict(rlc_loss=None))
