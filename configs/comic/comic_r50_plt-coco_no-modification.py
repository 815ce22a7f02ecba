# COMIC on PLT-COCO without Modification: plain summed BCE (unknowns as
# negatives) instead of the multi-focal modifier, in every branch and in the
# head-tail balancer; paper Tab. 2 "-MFM".
_base_ = ['./comic_r50_plt-coco.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
