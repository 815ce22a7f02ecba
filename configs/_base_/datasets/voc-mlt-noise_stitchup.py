# VOC-MLT-Noise-0.5 for co-learning: Stitch-Up pairs for the uniform loader
# (batch 32) and the class-aware loader B (batch 256 = 32 x data factor 8);
# test VOC 2007 test (difficult positive), no val loop.
data_root = 'data/'
train_ann = 'voc-mlt-noise/train_noise0.5.json'
training_split = 'data/voc-mlt-noise/training_split.json'
class_split = 'data/voc-mlt-noise/class_split.json'
train_prefix = 'VOCdevkit/VOC2012'
test_ann = 'voc2007/test.json'
test_prefix = 'VOCdevkit/VOC2007'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PhotoMetricDistortion', brightness_delta=32,
         contrast_range=(0.5, 1.5), saturation_range=(0.5, 1.5),
         hue_delta=18),
    dict(type='RelativeRandomCrop', min_crop=0.8, aspect=(0.5, 2.0),
         tries=50),
    dict(type='Resize', scale=(224, 224), keep_ratio=False,
         interpolation='bilinear'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False,
         interpolation='bilinear'),
    dict(type='PackInputs'),
]
train_data = dict(type='MLCDataset', data_root=data_root, ann_file=train_ann,
                  data_prefix=train_prefix, class_split=class_split,
                  pipeline=train_pipeline)
# StitchUpDataset items depend on the epoch: no persistent workers
train_dataloader = dict(
    batch_size=32,
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='StitchUpDataset', dataset=train_data))
loader_b = dict(
    batch_size=256,  # 32 x data_factor 8
    num_workers=2,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='ClassAwareSampler', num_samples_cls=3, reduce=4),
    dataset=dict(type='StitchUpDataset', dataset=train_data))
test_dataloader = dict(
    batch_size=64,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='MLCDataset', data_root=data_root, ann_file=test_ann,
                 data_prefix=test_prefix, class_split=class_split,
                 pipeline=test_pipeline))
# shot groups from the test dataset's metainfo (its class_split)
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='BranchAveragePrecision', branch='random'),
    dict(type='BranchAveragePrecision', branch='balanced'),
    dict(type='MLCF1Metric'),
]
val_dataloader = None
val_evaluator = None
