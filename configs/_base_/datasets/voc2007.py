# PASCAL VOC 2007 multi-label (trainval 5,011 / test 4,952 images, 20
# classes alphabetical). Difficult objects skipped (a class present only as
# difficult is negative), the PU-MLC rule; other benchmarks use their own
# files (voc-mlt.py: difficult positive; plt-voc.py: class flags).
# data/voc2007/VOCdevkit -> the extracted VOCdevkit (symlink). Build with
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/voc2007/VOCdevkit/VOC2007 trainval data/voc2007/trainval.json \
#       --difficult negative --check-images
#   python tools/dataset_converters/make_voc_multilabel.py \
#       data/voc2007/VOCdevkit/VOC2007 test data/voc2007/test.json \
#       --difficult negative --check-images
# (or dataset type `VOCMultiLabel`, ann_file='ImageSets/Main/test.txt',
# data_root='data/voc2007/VOCdevkit/VOC2007', difficult='negative').
_base_ = ['./coco2017.py']

data_root = 'data/voc2007'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='trainval.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='test.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
val_dataloader = test_dataloader
