# DigitMosaic-LT-Noise ablation: co-learning alone -- both branches with cross
# correction, trained on single images (no Stitch-Up).
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(stitch=None)
# the same datasets, each item a single image (StitchUpDataset stitch=False)
train_dataloader = dict(dataset=dict(stitch=False))
train_cfg = dict(dataloader_b=dict(dataset=dict(stitch=False)))
