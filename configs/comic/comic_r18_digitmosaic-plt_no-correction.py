# COMIC on DigitMosaic-PLT without Correction (no RLC term).
_base_ = ['./_base_/comic_r18_digitmosaic.py']

model = dict(head=dict(rlc_loss=None))
