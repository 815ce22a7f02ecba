# WAN baseline (unknowns weighted 1/(C-1) as negatives, sum) on DigitMosaic-PL.
_base_ = ['./bce_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', reduction='sum')))

