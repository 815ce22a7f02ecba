# COCO-MLT-Noise-0.5 for co-learning: the loaders of
# voc-mlt-noise_stitchup.py on COCO-2017 train images; test COCO val2017.
_base_ = ['./voc-mlt-noise_stitchup.py']

train_ann = 'coco-mlt-noise/train_noise0.5.json'
training_split = 'data/coco-mlt-noise/training_split.json'
class_split = 'data/coco-mlt-noise/class_split.json'
train_prefix = 'coco/train2017'
test_ann = 'coco2017/val2017.json'
test_prefix = 'coco/val2017'

train_data = dict(type='MLCDataset', data_root={{_base_.data_root}},
                  ann_file=train_ann, data_prefix=train_prefix,
                  class_split=class_split, pipeline={{_base_.train_pipeline}})
train_dataloader = dict(dataset=dict(dataset=train_data))
loader_b = dict(dataset=dict(dataset=train_data))
test_dataloader = dict(
    dataset=dict(ann_file=test_ann, data_prefix=test_prefix,
                 class_split=class_split))
