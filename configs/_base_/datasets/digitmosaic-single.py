# DigitMosaic-single (one uniformly chosen positive kept per image, the other
# classes -1) with the plain DigitMosaic pipelines.
_base_ = ['./digitmosaic.py']

train_dataloader = dict(dataset=dict(variant='single'))
val_dataloader = dict(dataset=dict(variant='single'))
test_dataloader = dict(dataset=dict(variant='single'))
