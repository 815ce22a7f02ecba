# COMIC on PLT-COCO without Balance: only the balanced branch (no head/tail
# branches, attention or head-tail balancer), MFM + RLC; paper Tab. 2 "-HTB".
_base_ = ['./comic_r50_plt-coco.py']

model = dict(head=dict(balance=False))
