# WAN baseline (unknowns weighted 1/(C-1) as negatives; log(p + 1e-5), mean
# over the B x C entries) on Open Images V6.
_base_ = ['./_base_/r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', eps=1e-5, reduction='mean')))
