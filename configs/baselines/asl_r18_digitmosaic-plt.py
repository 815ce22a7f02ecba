# ASL baseline (gamma- 4, gamma+ 0, clip 0.05, detached) on DigitMosaic-PLT
# (long-tailed rho 50, 40% of the positives missing as -1), same recipe as
# bce_r18_digitmosaic-plt.py (the COMIC comparison); the loss keeps its paper
# reduction ('sum').
_base_ = ['../baselines/bce_r18_digitmosaic-plt.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedASLLoss', gamma_pos=0., gamma_neg=4.,
    clip=0.05, reduction='sum')))

