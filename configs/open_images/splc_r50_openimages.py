# SPLC (focal margin 1, gamma 2, tau 0.6, change_epoch 1, global sum) on Open
# Images V6: only unknown entries are corrected, verified negatives never.
_base_ = ['./_base_/r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='global_sum')))
# the recipe's EMA hook, then SPLC's epoch hook
custom_hooks = [*_base_.custom_hooks, dict(type='SPLCEpochHook')]
