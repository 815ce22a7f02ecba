# The DigitMosaic r18 recipe with WAN (unknowns weighted 1/(C-1) as
# negatives; the authors' log(p + 1e-5), mean over the B x C entries).
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', eps=1e-5, reduction='mean')))
