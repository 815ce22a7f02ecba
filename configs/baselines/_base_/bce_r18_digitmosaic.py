# The DigitMosaic r18 recipe (ResNet_CIFAR-18, Adam 1e-3, cosine, 12 epochs)
# with the Hill/SPLC code's BCE: log clamped at 1e-8, 'sum' reduction.
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    type='MaskedBCELoss', eps=1e-8, reduction='sum')))
