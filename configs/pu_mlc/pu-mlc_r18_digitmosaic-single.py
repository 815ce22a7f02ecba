# PU-MLC on DigitMosaic-single (one observed positive per image, the rest -1;
# the "single positive label" setting). Same model and recipe as -pl40.
_base_ = ['./pu-mlc_r18_digitmosaic-pl40.py']

train_dataloader = dict(dataset=dict(variant='single'))
val_dataloader = dict(dataset=dict(variant='single'))
test_dataloader = dict(dataset=dict(variant='single'))
