# DigitMosaic-LT-Noise ablation: the image-splice Stitch-Up variant (paper
# figure; half-width anchor and partner side by side, one forward).
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(stitch='image_splice')
