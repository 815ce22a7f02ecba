# PU-MLC (ICME 2024) on COCO 2014 with the PU-MLC partial labels (every train
# entry kept with probability 0.1), test all of val2014; official recipe.
_base_ = ['./_base_/pu-mlc_r101-lgc_448.py']

data_root = 'data/coco2014'
model = dict(head=dict(word_vec_file=data_root + '/pu-mlc_vectors.npy'))
train_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='pu-mlc_train_p0.1.json',
                 data_prefix=dict(img_path='train2014')))
test_dataloader = dict(
    dataset=dict(data_root=data_root, ann_file='pu-mlc_val_full.json',
                 data_prefix=dict(img_path='val2014')))
val_dataloader = test_dataloader
