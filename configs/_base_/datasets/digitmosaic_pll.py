# DigitMosaic-PLL (docs/datasets.md): single pasted digits, train long-tailed
# (rho 100, 2,478 images) with uniform candidate sets (q 0.3); balanced val and
# test. Built on demand into data_root. Train batches carry two views (weak,
# strong) of every image; the model runs them in one forward.
dataset_type = 'DigitMosaicPLL'
data_root = 'data/digitmosaic'

weak_view = [dict(type='RandomCrop', crop_size=32, padding=4)]
strong_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomAugmentPLL', num_ops=2, channel_order='bgr'),
    dict(type='Cutout', factor=(0., 0.5), fill=0, channel_order='bgr'),
]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs', algorithm_keys=('candidates', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train',
                 pipeline=train_pipeline),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='val',
                 pipeline=test_pipeline),
)
test_dataloader = dict(
    val_dataloader, dataset=dict(val_dataloader['dataset'], split='test'))
# shot groups pinned by the build's class_split.json (3/4/3 by rank)
val_evaluator = dict(type='PLLAccuracy', topk=(1, 5))
test_evaluator = val_evaluator
