# CPU schedule for DigitMosaic: Adam, cosine decay, a few epochs.
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=1e-4),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
)
param_scheduler = [
    dict(type='CosineAnnealingLR', by_epoch=True, T_max=12, eta_min=1e-5,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=12, val_interval=4)
val_cfg = dict()
test_cfg = dict()
