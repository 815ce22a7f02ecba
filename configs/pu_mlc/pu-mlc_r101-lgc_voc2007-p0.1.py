# PU-MLC on VOC 2007 with the PU-MLC partial labels (p 0.1, difficult objects
# skipped), VOC values: alpha 2.0, gamma 0.85, Adam 4e-5, EMA 0.991, 56 epochs.
_base_ = ['./_base_/pu-mlc_r101-lgc_448.py']

data_root = 'data/voc2007'
lr = 4e-5
ema_decay = 0.991

model = dict(head=dict(
    num_classes=20,
    word_vec_file=data_root + '/pu-mlc_vectors.npy',
    loss=dict(temp_scale=2.0, rebalance_gamma=0.85)))

train_dataloader = dict(
    batch_size=45,
    dataset=dict(data_root=data_root, ann_file='pu-mlc_trainval_p0.1.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
test_dataloader = dict(
    batch_size=45,
    dataset=dict(data_root=data_root, ann_file='pu-mlc_test_full.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
val_dataloader = test_dataloader

# the schedule and EMA of the base, re-evaluated at the VOC lr and decay
optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=lr, total_steps=80,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=80, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=56)
auto_scale_lr = dict(base_batch_size=90, enable=False)
custom_hooks = [
    dict(type='SSGRLGraphHook'),
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=1 - ema_decay,
         update_buffers=True, priority=49),
]
