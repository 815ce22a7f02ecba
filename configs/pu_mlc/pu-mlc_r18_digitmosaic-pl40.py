# PU-MLC on DigitMosaic-PL (one kept positive per image, the rest -1, all
# "unlabeled" for the variational PU loss), CPU version of the paper's model.
_base_ = ['./_base_/pu-mlc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pl40.py']
