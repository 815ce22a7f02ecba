# Frozen-trunk ablation: no Modification (summed BCE instead of MFM, also
# inside HTB).
_base_ = ['./comic_r18-frozen_digitmosaic-plt.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
