# CIFAR-10-LT partial-label (docs/datasets.md): built from the local CIFAR
# python archive in data_root by CIFARLTPLL (files under
# <data_root>/pll/<build name>/, or in advance with
# tools/dataset_converters/make_cifar_lt_pll.py). Two views per image (weak,
# strong) of the RECORDS recipe; the normalisation (CIFAR-10 statistics for
# train AND test) is in models/resnet18-cifar_pll.py.
# legacy_rng=True: the published samples, i.e. the authors' draw
# (RandomState(0) subsampling and candidates; for NU the random.seed(123)
# class permutation). legacy_rng=False draws a new benchmark from PCG64.
dataset_type = 'CIFARLTPLL'
data_root = 'data/cifar10'
build = dict(cifar='cifar10', imb_ratio=100, partial_rate=0.3, data_seed=0,
             legacy_rng=True)

# The arrays are RGB (channel_order='rgb'); colour ops run on PIL images and
# crops are resized with PIL, as the torchvision transforms of the code.
weak_view = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='PILColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4, hue=0.1, channel_order='rgb')]),
    dict(type='PILRandomGrayscale', prob=0.2, channel_order='rgb'),
]
strong_view = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAugmentPLL', num_ops=3, channel_order='rgb'),
    dict(type='Cutout', factor=(0., 0.5), fill=(125, 123, 114),
         channel_order='rgb'),
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
# no checkpoint is selected on it (docs/conventions.md section 7); report the last
# epoch
val_dataloader = test_dataloader
val_evaluator = dict(type='PLLAccuracy', topk=(1, 5), prefix='test_monitor')
test_evaluator = dict(type='PLLAccuracy', topk=(1, 5))
