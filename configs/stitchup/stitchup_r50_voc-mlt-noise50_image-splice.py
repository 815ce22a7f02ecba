# Stitch-Up variant on VOC-MLT-Noise-0.5: image splice (paper figure, no
# official code): half-width anchor and partner side by side, one forward.
_base_ = ['./_base_/stitchup_r50_voc-mlt-noise.py']

model = dict(stitch='image_splice')
