# SPLC (tau 0.6, change_epoch 1, margin 1, gamma 2) on DigitMosaic-PLT (long-
# tailed rho 50, 40% of the positives missing as -1), same recipe as
# bce_r18_digitmosaic-plt.py (the COMIC comparison); the loss keeps its paper
# reduction ('sum').
_base_ = ['../baselines/bce_r18_digitmosaic-plt.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='sum')))
custom_hooks = [dict(type='SPLCEpochHook')]
