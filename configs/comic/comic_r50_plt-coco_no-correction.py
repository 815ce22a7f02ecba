# COMIC on PLT-COCO without Correction (no RLC term); paper Tab. 2 "-RLC".
_base_ = ['./comic_r50_plt-coco.py']

model = dict(head=dict(rlc_loss=None))
