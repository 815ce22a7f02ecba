# Co-learning schedule (the DB recipe): SGD 0.02, momentum 0.9, L2 1e-4, grad
# clip 35, 100-iteration warm-up, steps [5, 7], 8 epochs of the dual-loader
# loop (the config adds its loader B), no val loop.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
max_epochs = 8
param_scheduler = [
    dict(type='LinearLR', start_factor=1.0 / 3, by_epoch=False, begin=0,
         end=100),
    dict(type='MultiStepLR', by_epoch=True, milestones=[5, 7], gamma=0.1),
]
# last epoch reported (no val split: the official recipe saves only epoch_8)
train_cfg = dict(
    type='DualLoaderEpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_interval=max_epochs + 1)
val_cfg = None
test_cfg = dict()
