# ASL baseline on DigitMosaic-PLT (long-tailed rho 50, 40% of the positives
# missing as -1), the recipe of bce_r18_digitmosaic-plt.py (COMIC comparison).
_base_ = ['./_base_/asl_r18_digitmosaic.py',
          '../_base_/datasets/digitmosaic.py']
