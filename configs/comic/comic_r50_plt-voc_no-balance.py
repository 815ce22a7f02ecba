# COMIC on PLT-VOC without Balance (only the balanced branch, MFM + RLC);
# paper Tab. 2 "-HTB".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-voc_comic.py',
          '../_base_/schedules/comic_adam-40e_voc.py']

num_classes = 20
model = dict(head=dict(num_classes=20, balance=False))
