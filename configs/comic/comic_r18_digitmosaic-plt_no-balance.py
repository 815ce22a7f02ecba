# COMIC on DigitMosaic-PLT without Balance: only the balanced branch (no head
# and tail branches, no attention, no head-tail balancer), trained with MFM +
# RLC.
_base_ = ['./comic_r18_digitmosaic-plt.py']

model = dict(head=dict(balance=False))
