# PLT-VOC (COMIC): 2,569 VOC-2012 trainval images, 20 classes, 40 % of the
# positives missing; test VOC-2007 test (class flag 1 = positive). Official
# files and rebuilt fallback: docs/datasets.md.
_base_ = ['./voc-mlt.py']

data_root = 'data/plt-voc'
class_split = 'data/plt-voc/class_split.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
test_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
val_dataloader = test_dataloader
