# Heterogeneous co-learning + Stitch-Up (feature average) on
# DigitMosaic-LT-Noise (rho 50, noise rate 0.5), CPU recipe.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']
