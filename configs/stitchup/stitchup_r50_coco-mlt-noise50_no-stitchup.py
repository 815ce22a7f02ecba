# Ablation: co-learning without Stitch-Up (both branches train on single images).
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(stitch=None)
# the same datasets, each item a single image (StitchUpDataset stitch=False)
train_dataloader = dict(dataset=dict(stitch=False))
train_cfg = dict(dataloader_b=dict(dataset=dict(stitch=False)))
