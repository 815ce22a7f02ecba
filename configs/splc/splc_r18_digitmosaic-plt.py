# SPLC on DigitMosaic-PLT (long-tailed rho 50, 40% of the positives
# missing as -1), the recipe of the BCE baseline (COMIC comparison).
_base_ = ['./_base_/splc_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']
