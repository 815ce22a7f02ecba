# The DigitMosaic r18 recipe with ASL (the COCO setting: gamma- 4, gamma+ 0,
# clip 0.05, detached focal weights, 'sum' reduction).
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0.0, gamma_neg=4.0,
    clip=0.05, reduction='sum')))
