# NUS-WIDE with the Hill/SPLC lists (docs/datasets.md): 81 classes, train
# `nus_train_{full,singlelabel}.txt`, test `nus_val.txt`; same pipeline as
# COCO. Build the files with (class order: pass the lists' class-name file;
# the alphabetical `nus_wide` preset is [unverified] for these lists)
#   python tools/dataset_converters/convert_hill_lists.py \
#       nus_train_singlelabel.txt data/nus-wide/train_single.json \
#       --classes nus_wide --full nus_train_full.txt
#   python tools/dataset_converters/convert_hill_lists.py nus_val.txt \
#       data/nus-wide/val.json --classes nus_wide --unlisted 0
_base_ = ['./coco14_missing-labels_448.py']

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
