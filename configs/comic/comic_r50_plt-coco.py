# COMIC (ICCV 2023) on PLT-COCO, the paper's recipe (batch 32 on one GPU).
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-coco_comic.py',
          '../_base_/schedules/comic_adam-40e.py']
