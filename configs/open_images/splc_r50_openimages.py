# SPLC (focal margin 1, gamma 2, tau 0.6, change_epoch 1, global sum) on Open
# Images V6: only unknown entries are corrected, verified negatives never.
_base_ = ['./_base_/r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='global_sum')))
custom_hooks = [
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=3e-4,
         update_buffers=True, priority=49),
    dict(type='SPLCEpochHook'),
]
