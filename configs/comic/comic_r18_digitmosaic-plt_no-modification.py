# COMIC on DigitMosaic-PLT without Modification: summed BCE (unknowns as
# negatives) instead of the multi-focal modifier, also inside HTB.
_base_ = ['./_base_/comic_r18_digitmosaic.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
