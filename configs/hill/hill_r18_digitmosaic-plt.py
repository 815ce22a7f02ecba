# Hill loss (lambda 1.5, margin 1, gamma 2) on DigitMosaic-PLT (long-tailed rho
# 50, 40% of the positives missing as -1), same recipe as bce_r18_digitmosaic-
# plt.py (the COMIC comparison); the loss keeps its paper reduction ('sum').
_base_ = ['../baselines/bce_r18_digitmosaic-plt.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='HillLoss', lamb=1.5, margin=1.0, gamma=2.0,
    reduction='sum')))

