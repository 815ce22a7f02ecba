# PLT-VOC (the paths of plt-voc.py) with the COMIC pipelines and loaders of
# plt-coco_comic.py.
_base_ = ['./plt-coco_comic.py']

data_root = 'data/plt-voc'
class_split = 'data/plt-voc/class_split.json'
train_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='train.json',
    data_prefix=dict(img_path='VOCdevkit/VOC2012'), class_split=class_split))
test_dataloader = dict(dataset=dict(
    data_root=data_root, ann_file='test.json',
    data_prefix=dict(img_path='VOCdevkit/VOC2007'), class_split=class_split))
