# Open Images V6 image-level labels: human-verified only (1 positive, 0
# negative, else -1), 9,605 trainable classes, 224 px, Cutout + RandAugment;
# the label cache is built once per split (docs/datasets.md).
_base_ = ['./loaders_no-val-split.py']

dataset_type = 'OpenImages'
data_root = 'data/openimages'
img_scale = (224, 224)
label_files = dict(classes_file='oidv6-class-descriptions.csv',
                   trainable_file='oidv6-classes-trainable.txt')

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, backend='pillow'),
    dict(type='Cutout', factor=0.5, fill='random_rgb', channel_order='bgr'),
    dict(type='RandAugmentUDA', channel_order='bgr'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, backend='pillow'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    # per GPU: 8 GPUs x 16 = 128 in total; on N GPUs use 128 / N
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='oidv6-train-annotations-human-imagelabels.csv',
        data_prefix=dict(img_path='train'),
        pipeline=train_pipeline,
        **label_files))
test_dataloader = dict(
    dataset=dict(train_dataloader['dataset'],
                 ann_file='test-annotations-human-imagelabels.csv',
                 data_prefix=dict(img_path='test'), pipeline=test_pipeline))
val_dataloader = test_dataloader
# LabelledAveragePrecision keeps only the scores of each image's labelled
# classes (MLCAveragePrecision would hold 125k x 9,605 scores and targets);
# same mAP and empty-class rule
test_evaluator = [dict(type='LabelledAveragePrecision')]
val_evaluator = [dict(type='LabelledAveragePrecision', prefix='test_monitor')]
