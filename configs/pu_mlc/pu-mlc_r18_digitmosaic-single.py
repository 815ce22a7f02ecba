# PU-MLC on DigitMosaic-single (one observed positive per image, the rest -1).
_base_ = ['./_base_/pu-mlc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-single.py']
