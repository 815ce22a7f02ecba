# The Hill/SPLC recipe with the focal loss (gamma 2, no alpha, detached focal
# weight, global sum).
_base_ = ['../../_base_/recipes/r50_448.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0,
    reduction='global_sum')))
