# WAN baseline (unknowns weighted 1/(C-1) as negatives) on DigitMosaic-PL, in
# the authors' form: log(p + 1e-5), mean over the B x C entries.
_base_ = ['./bce_r18_digitmosaic-pl40.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', eps=1e-5, reduction='mean')))

