# Ablation: both branches with Stitch-Up but no cross correction (each branch
# learns its own noisy labels; outputs still fused).
_base_ = ['./stitchup_r50_voc-mlt-noise50.py']

model = dict(correction=False)
