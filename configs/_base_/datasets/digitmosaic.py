# DigitMosaic (benchmarks.md §7), built on demand into data_root. The variant
# is chosen by the configs that inherit from this file.
dataset_type = 'DigitMosaic'
data_root = 'data/digitmosaic'
variant = 'plt'

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
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
val_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        variant=variant,
        split='val',
        pipeline=test_pipeline),
)
test_dataloader = dict(
    batch_size=128,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        variant=variant,
        split='test',
        pipeline=test_pipeline),
)
val_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric'),
]
test_evaluator = val_evaluator

