# PLT-COCO (COMIC): 2,962 COCO-2017 train images (the folders of coco-mlt.py),
# 80 classes, 40 % of the positives missing (-1); test COCO-2017 val. Shot
# groups from the partial training counts. Files: docs/datasets.md.
_base_ = ['./coco-mlt.py']

data_root = 'data/plt-coco'
class_split = 'data/plt-coco/class_split.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
test_dataloader = dict(
    dataset=dict(data_root=data_root, class_split=class_split))
val_dataloader = test_dataloader
