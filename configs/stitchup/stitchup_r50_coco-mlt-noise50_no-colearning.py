# Ablation: both branches with Stitch-Up but no cross correction (each branch
# learns its own noisy labels; outputs still fused).
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(correction=False)
