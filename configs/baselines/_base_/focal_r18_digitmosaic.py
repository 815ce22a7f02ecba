# The DigitMosaic r18 recipe with the focal loss (gamma 2, no alpha, detached
# focal weight, 'sum' reduction).
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0, reduction='sum')))
