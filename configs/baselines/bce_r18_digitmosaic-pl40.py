# BCE baseline (missing labels as negatives) on DigitMosaic-PL (balanced
# mosaics, the Hill/SPLC "0.4left" rule, unlisted classes -1), DigitMosaic r18
# recipe.
_base_ = ['./_base_/bce_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-pl40.py']
