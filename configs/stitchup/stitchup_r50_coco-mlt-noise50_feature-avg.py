# Stitch-Up variant: feature average (official code) -- the main recipe, named
# explicitly for the variant table.
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(stitch='feature_avg')
