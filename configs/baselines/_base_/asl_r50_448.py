# The Hill/SPLC recipe with ASL (gamma- 4, gamma+ 0, clip 0.05, detached focal
# weights, global sum); ResNet-50, not the ASL paper's TResNet.
_base_ = ['../../_base_/recipes/r50_448.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0., gamma_neg=4.,
    clip=0.05, detach_focal=True, reduction='global_sum')))
