# Frozen-trunk ablation on DigitMosaic-PLT: no Modification (summed BCE
# instead of MFM, also inside HTB).
_base_ = ['./_base_/comic_r18-frozen_digitmosaic.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
