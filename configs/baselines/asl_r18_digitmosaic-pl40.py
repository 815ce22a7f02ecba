# ASL baseline (COCO recipe: gamma- 4, gamma+ 0, clip 0.05, detached, sum) on
# DigitMosaic-PL.
_base_ = ['./bce_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0.0, gamma_neg=4.0,
    clip=0.05, reduction='sum')))

