# NUS-WIDE with the Hill/SPLC lists: 81 classes, train nus_train_singlelabel,
# test nus_val; the COCO 2014 pipeline. Building the files (class order of the
# lists' class-name file): docs/datasets.md.
_base_ = ['./coco2014_missing-labels_448.py']

data_root = 'data/nus-wide'
train_ann = 'train_single.json'
test_ann = 'val.json'
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file=train_ann,
                 data_prefix=dict(img_path='images')))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file=test_ann,
                 data_prefix=dict(img_path='images')))
val_dataloader = test_dataloader
