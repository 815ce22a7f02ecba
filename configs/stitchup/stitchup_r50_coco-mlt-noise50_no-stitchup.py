# Ablation on COCO-MLT-Noise-0.5: co-learning without Stitch-Up (both
# branches train on single images: StitchUpDataset stitch=False).
_base_ = ['./_base_/stitchup_r50_coco-mlt-noise.py']

model = dict(stitch=None)
train_dataloader = dict(dataset=dict(stitch=False))
train_cfg = dict(dataloader_b=dict(dataset=dict(stitch=False)))
