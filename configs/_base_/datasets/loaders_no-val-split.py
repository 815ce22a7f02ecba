# Loaders and metrics of the real-image benchmarks without a val split: 8
# persistent workers, 16 train / 64 test images per GPU; the val loader
# monitors the test set (prefix `test_monitor`, no best checkpoint).
train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
)
test_dataloader = dict(
    train_dataloader,
    batch_size=64,
    sampler=dict(type='DefaultSampler', shuffle=False),
)
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='MLCAveragePrecision'),
    dict(type='MLCF1Metric', thr=0.5),
]
val_evaluator = [
    dict(type='MLCAveragePrecision', prefix='test_monitor'),
    dict(type='MLCF1Metric', thr=0.5, prefix='test_monitor'),
]
