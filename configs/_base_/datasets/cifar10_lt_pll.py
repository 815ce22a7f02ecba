# CIFAR-10-LT partial-label (benchmarks.md §5): built from the local CIFAR
# python archive in data_root by CIFARLTPLL (files under
# <data_root>/pll/<build name>/, or in advance with
# tools/dataset_converters/make_cifar_lt_pll.py). Two views per image (weak,
# strong) of the RECORDS recipe; CIFAR-10 statistics for train AND test.
dataset_type = 'CIFARLTPLL'
data_root = 'data/cifar10'
build = dict(cifar='cifar10', imb_ratio=100, partial_rate=0.3, data_seed=0)

weak_view = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.2, 1.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # hue jitter (0.1 in the recipe) is off: mmcv's adjust_hue overflows
    # uint8 under numpy 2 for negative factors (documented deviation)
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4, hue=0.)]),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
strong_view = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.2, 1.)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAugmentPLL', num_ops=3),
    dict(type='Cutout', factor=(0., 0.5), fill=(125, 123, 114)),
]
train_pipeline = [
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs', algorithm_keys=('candidates', )),
]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline, **build),
)
test_dataloader = dict(
    batch_size=1024,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test',
                 pipeline=test_pipeline, **build),
)
# no val split: the val loop monitors the test set under its own prefix and
# no checkpoint is selected on it (conventions §7); report the last epoch
val_dataloader = test_dataloader
val_evaluator = dict(type='PLLAccuracy', topk=(1, 5), prefix='test_monitor')
test_evaluator = dict(type='PLLAccuracy', topk=(1, 5))
