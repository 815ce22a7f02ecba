# COMIC on DigitMosaic-PLT without Modification: the multi-focal modifier is
# replaced by plain BCE (summed, unknowns as negatives) in every branch and in
# the head-tail balancer.
_base_ = ['./comic_r18_digitmosaic-plt.py']

_bce = dict(type='MaskedBCELoss', reduction='sum', unknown_as='negative')
model = dict(head=dict(cls_loss=dict(_delete_=True, **_bce),
                       htb_loss=dict(loss=_bce)))
