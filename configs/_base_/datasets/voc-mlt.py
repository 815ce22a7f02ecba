# VOC-MLT (DB loss): 1,142 VOC-2012 trainval images, 20 classes, head/medium/
# tail 6/6/8; test VOC-2007 test (difficult positive). `train_ann` =
# train_noise{r}.json for VOC-MLT-Noise. Files: docs/datasets.md.
_base_ = ['./coco2017.py']

data_root = 'data/voc-mlt'
train_ann = 'train.json'
# shot groups of the metric come from the test dataset's metainfo
class_split = 'data/voc-mlt/class_split.json'
img_scale = (224, 224)
# coco2017.py's pipelines at this scale
train_pipeline = [dict(t, scale=img_scale) if t['type'] == 'Resize' else t
                  for t in _base_.train_pipeline]
test_pipeline = [dict(t, scale=img_scale) if t['type'] == 'Resize' else t
                 for t in _base_.test_pipeline]
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
