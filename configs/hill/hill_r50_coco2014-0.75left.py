# Hill loss on COCO 2014 "0.75left" (Hill/SPLC list
# coco_train_0.75left.txt), Hill/SPLC recipe.
_base_ = ['./_base_/hill_r50_448.py',
          '../_base_/datasets/coco2014_missing-labels_448.py']

train_dataloader = dict(dataset=dict(ann_file='train_0.75left.json'))
