# COCO 2017 multi-label, full labels (train 117,266 annotated images, val
# 4,952 annotated images; `--keep-unannotated` keeps all 118,287 / 5,000).
# Category ids -> indices in ascending-id order. Build the files with
#   python tools/dataset_converters/make_coco_multilabel.py \
#       data/coco2017/annotations/instances_train2017.json \
#       data/coco2017/train2017.json --year 2017 --split train \
#       --img-root data/coco2017/train2017 --check-images
#   python tools/dataset_converters/make_coco_multilabel.py \
#       data/coco2017/annotations/instances_val2017.json \
#       data/coco2017/val2017.json --year 2017 --split val \
#       --img-root data/coco2017/val2017 --check-images
# (or read the instances JSON directly: dataset type `COCOMultiLabel`,
# ann_file='annotations/instances_train2017.json'; its parse is cached.)
# No val split: the val loader monitors the test set (prefix
# `test_monitor`, no save_best) and the last epoch is reported.
dataset_type = 'MLCDataset'
data_root = 'data/coco2017'
train_ann = 'train2017.json'
test_ann = 'val2017.json'
img_scale = (448, 448)

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_ann,
        data_prefix=dict(img_path='train2017'),
        pipeline=train_pipeline),
)
test_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=test_ann,
        data_prefix=dict(img_path='val2017'),
        pipeline=test_pipeline),
)
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric', thr=0.5),
]
val_evaluator = [
    dict(type='MLCAveragePrecision', prefix='test_monitor'),
    dict(type='MLCF1Metric', thr=0.5, prefix='test_monitor'),
]
