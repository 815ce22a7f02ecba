# PASCAL VOC 2007 multi-label (trainval 5,011 / test 4,952, 20 classes), the
# PU-MLC rule: difficult objects skipped. data/voc2007/VOCdevkit -> the
# extracted VOCdevkit. Building the files: docs/datasets.md.
_base_ = ['./coco2017.py']

data_root = 'data/voc2007'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='trainval.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
# test images live in the same VOC2007 folder
test_dataloader = dict(
    dataset=dict(train_dataloader['dataset'], ann_file='test.json'))
val_dataloader = test_dataloader
