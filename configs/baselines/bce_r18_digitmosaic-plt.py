# BCE baseline ("assume negative") on DigitMosaic-PLT: long-tailed (rho 50),
# 40% of the positive labels missing (stored as -1, treated as negatives).
_base_ = ['../_base_/recipes/r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']
