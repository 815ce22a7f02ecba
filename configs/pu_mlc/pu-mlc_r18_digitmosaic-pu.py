# PU-MLC on DigitMosaic-PU (each entry, positive or negative, kept with
# probability 0.4, the rest -1; kept negatives are "unlabeled" too).
_base_ = ['./_base_/pu-mlc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pu.py']
