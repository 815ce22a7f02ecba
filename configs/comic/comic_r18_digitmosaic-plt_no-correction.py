# COMIC on DigitMosaic-PLT without Correction (no RLC term).
_base_ = ['./comic_r18_digitmosaic-plt.py']

model = dict(head=dict(rlc_loss=None))
