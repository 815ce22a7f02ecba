# COMIC on PLT-COCO with the attention's gradient stopped at the head/tail
# features (not a paper ablation: the official code lets it reach them).
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-coco_comic.py',
          '../_base_/schedules/comic_adam-40e.py']

model = dict(head=dict(attn_grad_to_branches=False))
