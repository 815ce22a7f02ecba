# Hill loss (lambda 1.5, margin 1, gamma 2, sum) on DigitMosaic-PL.
_base_ = ['../baselines/bce_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='sum')))

