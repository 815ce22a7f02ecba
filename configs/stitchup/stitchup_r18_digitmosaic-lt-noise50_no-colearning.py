# DigitMosaic-LT-Noise ablation: both branches and Stitch-Up, but no cross
# correction (each branch learns its own noisy labels; outputs still fused).
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(correction=False)
