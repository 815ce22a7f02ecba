# DigitMosaic-PU (the PU-MLC protocol: every (image, class) entry kept with
# probability 0.4, the rest -1) with the plain DigitMosaic pipelines.
_base_ = ['./digitmosaic.py']

train_dataloader = dict(dataset=dict(variant='pu'))
val_dataloader = dict(dataset=dict(variant='pu'))
test_dataloader = dict(dataset=dict(variant='pu'))
