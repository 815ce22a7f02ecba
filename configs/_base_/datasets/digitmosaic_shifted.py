# DigitMosaic in the 'shifted' geometry (mlc.datasets.digitmosaic.GEOMETRIES:
# 30 px canvas, 3x3 cells, digits at 0.6-0.8 of a cell, 10% duplicates, 64 px);
# the variant comes from the inheriting config; the pipelines of
# digitmosaic.py resize every image to the recipe's 32 px input.
_base_ = ['./digitmosaic.py']

geometry = 'shifted'
train_dataloader = dict(dataset=dict(geometry=geometry))
val_dataloader = dict(dataset=dict(geometry=geometry))
test_dataloader = dict(dataset=dict(geometry=geometry))
