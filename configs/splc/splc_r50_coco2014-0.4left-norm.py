# SPLC on COCO 2014 "0.4left" with the ImageNet mean/std the torchvision
# weights expect (the official code feeds [0, 1] inputs).
_base_ = ['./_base_/splc_r50_448.py',
          '../_base_/datasets/coco2014_missing-labels_448.py']

model = dict(
    data_preprocessor=dict(
        mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]))
train_dataloader = dict(dataset=dict(ann_file='train_0.4left.json'))
