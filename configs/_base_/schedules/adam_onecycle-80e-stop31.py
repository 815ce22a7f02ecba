# Hill/SPLC schedule: Adam lr 1e-4, coupled L2 1e-4 on weights with >= 2 dims,
# AMP; OneCycle (LR and Adam beta1) planned over 80 epochs, stopped after 31
# as the official loop.

# OneCycle: pct_start 0.2, cos, div 25, final_div 1e4, beta1 0.95 -> 0.85 ->
# 0.95; total_steps is explicit because mmengine clips a scheduler's end to
# max_epochs
cycle_epochs = 80
optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
)
param_scheduler = [
    dict(type='OneCycleLR', eta_max=1e-4, total_steps=cycle_epochs,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=cycle_epochs, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
# the official loop breaks at epoch index 30 (LR at stop ~0.87 x max)
train_cfg = dict(by_epoch=True, max_epochs=31, val_interval=5)
val_cfg = dict()
test_cfg = dict()
# the recipe's batch: 128 in total (8 GPUs x 16). Keep 128 on other GPU
# counts by changing the per-GPU batch size, not the learning rate
# (auto_scale_lr stays off).
auto_scale_lr = dict(base_batch_size=128, enable=False)
