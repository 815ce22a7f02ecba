# The DigitMosaic r18 recipe (ResNet_CIFAR-18, Adam 1e-3, cosine, 12 epochs)
# with the Hill loss (lambda 1.5, margin 1, gamma 2, 'sum' reduction).
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='sum')))
