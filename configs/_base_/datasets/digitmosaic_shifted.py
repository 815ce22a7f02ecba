# DigitMosaic in the 'shifted' geometry (30 px canvas, 3x3 cells, digits at
# 0.6-0.8 of a cell, 10% duplicates, 64 px); the variant comes from the
# inheriting config.
_base_ = ['./digitmosaic.py']

geometry = 'shifted'
train_dataloader = dict(dataset=dict(geometry=geometry))
val_dataloader = dict(dataset=dict(geometry=geometry))
test_dataloader = dict(dataset=dict(geometry=geometry))
