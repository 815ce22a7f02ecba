# VOC-MLT (DB loss): 1,142 VOC-2012 trainval images, 20 classes, head/medium/
# tail 6/6/8; test VOC-2007 test (difficult positive). `train_ann` =
# train_noise{r}.json for VOC-MLT-Noise. Files: docs/datasets.md.
_base_ = ['./coco2017.py']

data_root = 'data/voc-mlt'
train_ann = 'train.json'
# shot groups of the metric come from the test dataset's metainfo
class_split = 'data/voc-mlt/class_split.json'
img_scale = (224, 224)
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    dataset=dict(data_root=data_root, ann_file=train_ann,
                 data_prefix=dict(img_path='VOCdevkit/VOC2012'),
                 class_split=class_split,
                 pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='test.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007'),
                 class_split=class_split,
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
