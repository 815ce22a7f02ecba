# ASL baseline (gamma- 4, gamma+ 0, clip 0.05, detached focal weights, global
# sum; unknown entries -1 as negatives) on Open Images V6, ResNet-50.
_base_ = ['./_base_/r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0., gamma_neg=4.,
    clip=0.05, detach_focal=True, reduction='global_sum')))
