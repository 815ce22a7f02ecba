# The DigitMosaic r18 recipe with SPLC (tau 0.6, change_epoch 1, focal margin
# 1, gamma 2, 'sum'); SPLCEpochHook passes runner.epoch to the loss.
_base_ = ['../../_base_/recipes/r18_digitmosaic.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='sum')))
custom_hooks = [dict(type='SPLCEpochHook')]
