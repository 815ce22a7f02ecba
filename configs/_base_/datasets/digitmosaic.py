# DigitMosaic (docs/datasets.md), built on demand into data_root. The variant
# is chosen by the configs that inherit from this file; the geometry (canvas,
# grid, digit scale, empty cells, image size) by the dataset's `geometry`
# (default: the original 2x2 mosaics at 32 px; 'hard', 'shifted', or knobs).
# Train and test images are first resized to the recipe's input size (32):
# a no-op on 32 px builds, and on other image sizes the recipe still sees
# whole mosaics (a 32 px random crop of a 64 px image would cut labelled
# digits away in training while the test ran on full images).
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

