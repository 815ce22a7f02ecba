# DigitMosaic (docs/datasets.md), built on demand into data_root; `plt` variant
# by default, geometry from the dataset's `geometry`. Every image is resized to
# the recipe's 32 px input first (whole mosaics at any build size).
dataset_type = 'DigitMosaic'
data_root = 'data/digitmosaic'
variant = 'plt'
input_size = 32

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(input_size, input_size), interpolation='area'),
    dict(type='RandomCrop', crop_size=input_size, padding=2),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(input_size, input_size), interpolation='area'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        variant=variant,
        split='train',
        pipeline=train_pipeline),
)
# val and test: the training set's description with their split, the test
# pipeline and a larger unshuffled batch
val_dataloader = dict(
    train_dataloader,
    batch_size=128,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(train_dataloader['dataset'], split='val',
                 pipeline=test_pipeline),
)
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], split='test'))
val_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric'),
]
test_evaluator = val_evaluator

