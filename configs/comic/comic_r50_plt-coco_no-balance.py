# COMIC on PLT-COCO without Balance (only the balanced branch, MFM + RLC);
# paper Tab. 2 "-HTB".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-coco_comic.py',
          '../_base_/schedules/comic_adam-40e.py']

model = dict(head=dict(balance=False))
