# DigitMosaic in the 'hard' geometry (24 px canvas, 3x3 cells, digits at
# 0.6-1.0 of a cell, 30% duplicates, 32 px); the variant comes from the
# inheriting config.
_base_ = ['./digitmosaic.py']

geometry = 'hard'
train_dataloader = dict(dataset=dict(geometry=geometry))
val_dataloader = dict(dataset=dict(geometry=geometry))
test_dataloader = dict(dataset=dict(geometry=geometry))
