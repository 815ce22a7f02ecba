# BCE pre-training of the r18 trunk for the frozen-trunk DigitMosaic studies:
# clean labels of the disjoint `pretrain` build (data seed 0), run seed 0.
_base_ = ['../_base_/recipes/r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']

build = dict(data_root='data/digitmosaic', variant='pretrain', seed=0)
train_dataloader = dict(dataset=build)
val_dataloader = dict(dataset=build)
test_dataloader = dict(dataset=build)
