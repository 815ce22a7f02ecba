# COMIC on PLT-COCO without Correction (no RLC term); paper Tab. 2 "-RLC".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-coco_comic.py',
          '../_base_/schedules/comic_adam-40e.py']

model = dict(head=dict(rlc_loss=None))
