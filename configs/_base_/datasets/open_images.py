# Open Images V6 image-level labels (docs/datasets.md): human-verified
# labels only (Confidence 1 positive, 0 negative, every other entry unknown,
# -1), the 9,605 trainable classes as columns; train ~9 M images, test
# 125,436 images (its own human-verified labels: mAP ignores the unknown
# entries). Labels live in a memory-mapped sparse store (dataset type
# `OpenImages`), parsed once into a cache; run the converter once per split
# before training so no rank or worker parses at start:
#   python tools/dataset_converters/convert_open_images.py \
#       data/openimages/oidv6-train-annotations-human-imagelabels.csv \
#       data/openimages/oidv6-class-descriptions.csv \
#       data/openimages/oidv6-classes-trainable.txt
#   python tools/dataset_converters/convert_open_images.py \
#       data/openimages/test-annotations-human-imagelabels.csv \
#       data/openimages/oidv6-class-descriptions.csv \
#       data/openimages/oidv6-classes-trainable.txt
# Images: data/openimages/{train,test}/<ImageID>.jpg. 224x224 inputs,
# Cutout + RandAugment (the ASL recipe's augmentation). No val split: the val
# loader monitors the test set (prefix `test_monitor`, no save_best).
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
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='oidv6-train-annotations-human-imagelabels.csv',
        data_prefix=dict(img_path='train'),
        pipeline=train_pipeline,
        **label_files),
)
test_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='test-annotations-human-imagelabels.csv',
        data_prefix=dict(img_path='test'),
        pipeline=test_pipeline,
        **label_files),
)
val_dataloader = test_dataloader
# LabelledAveragePrecision keeps only the scores of each image's labelled
# classes (MLCAveragePrecision would hold 125k x 9,605 scores and targets);
# same mAP and empty-class rule
test_evaluator = [dict(type='LabelledAveragePrecision')]
val_evaluator = [dict(type='LabelledAveragePrecision', prefix='test_monitor')]
