# COMIC on PLT-VOC without Correction (no RLC term); paper Tab. 2 "-RLC".
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-voc_comic.py',
          '../_base_/schedules/comic_adam-40e_voc.py']

num_classes = 20
model = dict(head=dict(num_classes=20, rlc_loss=None))
