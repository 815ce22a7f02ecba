# DigitMosaic-LT-Noise ablation: the image-splice Stitch-Up variant (paper
# figure; half-width anchor and partner side by side, one forward).
_base_ = ['./stitchup_r18_digitmosaic-lt-noise50.py']

model = dict(stitch='image_splice')
