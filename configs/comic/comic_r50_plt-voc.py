# COMIC (ICCV 2023) on PLT-VOC: the PLT-COCO recipe with 20 classes and the
# VOC step schedule.
_base_ = ['./_base_/comic_r50.py', '../_base_/datasets/plt-voc_comic.py',
          '../_base_/schedules/comic_adam-40e_voc.py']

num_classes = 20
model = dict(head=dict(num_classes=20))
