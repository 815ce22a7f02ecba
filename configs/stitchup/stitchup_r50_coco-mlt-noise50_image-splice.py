# Stitch-Up variant: image splice (paper figure; project-defined, no official
# code): half-width anchor and partner side by side, one forward on the OR-ed
# corrected labels.
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(stitch='image_splice')
