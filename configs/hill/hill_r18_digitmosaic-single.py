# Hill loss on DigitMosaic-single (one positive kept per image, the rest
# -1), DigitMosaic r18 recipe.
_base_ = ['./_base_/hill_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic-single.py']
