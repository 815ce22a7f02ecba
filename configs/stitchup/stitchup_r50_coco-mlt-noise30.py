# Co-learning + Stitch-Up on COCO-MLT-Noise-0.3: the noise-0.5 recipe on the
# 0.3 file (thresholds for this rate unpublished: the 0.5 values are kept).
_base_ = ['./_base_/stitchup_r50_coco-mlt-noise.py']

train_ann = 'coco-mlt-noise/train_noise0.3.json'
train_dataloader = dict(dataset=dict(dataset=dict(ann_file=train_ann)))
train_cfg = dict(dataloader_b=dict(dataset=dict(dataset=dict(
    ann_file=train_ann))))
