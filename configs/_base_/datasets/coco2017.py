# COCO 2017 multi-label, full labels (category ids -> indices in ascending-id
# order), on the loaders of loaders_no-val-split.py (the val loader monitors
# the test set). Building the files: docs/datasets.md.
_base_ = ['./loaders_no-val-split.py']

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
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file=train_ann,
        data_prefix=dict(img_path='train2017'),
        pipeline=train_pipeline))
# the training set's description with the val2017 file, folder and pipeline
test_dataloader = dict(
    dataset=dict(train_dataloader['dataset'], ann_file=test_ann,
                 data_prefix=dict(img_path='val2017'),
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
