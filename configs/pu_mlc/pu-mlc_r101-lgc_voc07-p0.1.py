# PU-MLC on VOC 2007 with the PU-MLC partial labels (docs/datasets.md):
# trainval entries kept with probability 0.1, difficult objects skipped (a
# class present only as difficult is a negative, in training and test), test
# = VOC 2007 test (4,952 images). VOC recipe: alpha 2.0, gamma
# 0.85, Adam 4e-5, EMA decay 0.991, OneCycle over 80 epochs stopped after 56,
# batch 45 x 2 GPUs; otherwise the COCO config.
# Build the files:
#   python tools/dataset_converters/convert_pu_mlc.py voc \
#       data/voc2007/VOCdevkit/VOC2007 data/voc2007/pu-mlc_trainval_p0.1.json \
#       --split trainval --prob 0.1
#   python tools/dataset_converters/convert_pu_mlc.py voc \
#       data/voc2007/VOCdevkit/VOC2007 data/voc2007/pu-mlc_test_full.json \
#       --split test --prob 1
#   cp <PU-MLC repo>/data/voc_devkit/VOC2007/voc07_vector.npy \
#       data/voc2007/pu-mlc_vectors.npy
# Train:
#   bash tools/dist_train.sh configs/pu_mlc/pu-mlc_r101-lgc_voc07-p0.1.py 2
_base_ = ['./pu-mlc_r101-lgc_coco14-p0.1.py']

data_root = 'data/voc2007'
lr = 4e-5
cycle_epochs = 80
ema_decay = 0.991

model = dict(head=dict(
    num_classes=20,
    word_vec_file=data_root + '/pu-mlc_vectors.npy',
    loss=dict(temp_scale=2.0, rebalance_gamma=0.85)))

train_dataloader = dict(
    batch_size=45,
    dataset=dict(data_root=data_root, ann_file='pu-mlc_trainval_p0.1.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
test_dataloader = dict(
    batch_size=45,
    dataset=dict(data_root=data_root, ann_file='pu-mlc_test_full.json',
                 data_prefix=dict(img_path='VOCdevkit/VOC2007')))
val_dataloader = test_dataloader

optim_wrapper = dict(optimizer=dict(lr=lr))
param_scheduler = [
    dict(type='OneCycleLR', eta_max=lr, total_steps=cycle_epochs,
         pct_start=0.2, anneal_strategy='cos', div_factor=25.,
         final_div_factor=1e4, by_epoch=True, convert_to_iter_based=True),
    dict(type='OneCycleMomentum', base_momentum=0.85, max_momentum=0.95,
         total_steps=cycle_epochs, pct_start=0.2, anneal_strategy='cos',
         by_epoch=True, convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=56)
auto_scale_lr = dict(base_batch_size=90, enable=False)
custom_hooks = [
    dict(type='SSGRLGraphHook'),
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=1 - ema_decay,
         update_buffers=True, priority=49),
]
