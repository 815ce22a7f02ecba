# COMIC on DigitMosaic-PLT without Balance: only the balanced branch (no
# head/tail branches, attention or head-tail balancer), MFM + RLC.
_base_ = ['./_base_/comic_r18_digitmosaic.py']

model = dict(head=dict(balance=False))
