# Heterogeneous co-learning + Stitch-Up on VOC-MLT-Noise-0.5, the published
# recipe (single GPU; with k GPUs divide both batch sizes by k).
_base_ = ['./_base_/stitchup_r50_voc-mlt-noise.py']
