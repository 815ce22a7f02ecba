# Ablation on VOC-MLT-Noise-0.5: both branches with Stitch-Up but no cross
# correction (each branch learns its own noisy labels; outputs still fused).
_base_ = ['./_base_/stitchup_r50_voc-mlt-noise.py']

model = dict(correction=False)
