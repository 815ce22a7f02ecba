# Stitch-Up variant on COCO-MLT-Noise-0.5: feature average (official code),
# the main recipe named explicitly for the variant table.
_base_ = ['./_base_/stitchup_r50_coco-mlt-noise.py']

model = dict(stitch='feature_avg')
