# Focal baseline (gamma 2, no alpha, detached focal weight, sum) on
# DigitMosaic-PL.
_base_ = ['./bce_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0, reduction='sum')))

