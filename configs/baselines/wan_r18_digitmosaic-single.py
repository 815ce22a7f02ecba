# wan on DigitMosaic-single: balanced mosaics, one uniformly chosen positive
# kept per image (toolkit op single_positive), other classes unknown (-1).
_base_ = ['./wan_r18_digitmosaic-pl40.py']

train_dataloader = dict(dataset=dict(variant='single'))
val_dataloader = dict(dataset=dict(variant='single'))
test_dataloader = dict(dataset=dict(variant='single'))
