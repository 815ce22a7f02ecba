# Frozen-trunk ablation on DigitMosaic-PLT: no Balance stage (only the
# balanced branch: no head/tail branches, attention or HTB).
_base_ = ['./_base_/comic_r18-frozen_digitmosaic.py']

model = dict(head=dict(balance=False))
