# PLT-COCO with the COMIC pipelines (RandomResizedCrop 224 + flip; resize 256,
# center crop 224), batch 32 with drop_last, no val loop (last epoch tested).
_base_ = ['./plt-coco.py']

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, crop_ratio_range=(0.08, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(batch_size=64, dataset=dict(pipeline=test_pipeline))
val_dataloader = None
val_evaluator = None
# total / many / medium / few mAP (+ average of the groups), and overall
# recall at 0.5 (OR; the "F1" the official code printed is this recall)
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric', thr=0.5),
]
