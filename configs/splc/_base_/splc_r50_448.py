# The Hill/SPLC recipe (ResNet-50 448, Adam 1e-4, OneCycle stopped at 31, EMA
# 0.9997, AMP) with SPLC (tau 0.6, change_epoch 1, margin 1, gamma 2).
_base_ = ['../../_base_/recipes/r50_448.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='global_sum')))
# the recipe's EMA hook, then SPLC's epoch hook
custom_hooks = [*_base_.custom_hooks, dict(type='SPLCEpochHook')]
