# PLL-VOC (RECORDS; docs/datasets.md): files from
# tools/dataset_converters/convert_pll_voc.py (train.json, test.json,
# class_split.json 6/7/7 by rank) in data/pll-voc, images in
# data/pll-voc/PLL/{train_var,test}/images. Zero-pad to a centred square,
# resize 128; VOC-PLL statistics (RGB) for train and test.
dataset_type = 'PLLDataset'
data_root = 'data/pll-voc'
# BGR arrays (mmcv loading, channel_order='bgr'); PIL resizes and colour
# ops, as the torchvision transforms of the code
base = [
    dict(type='LoadImageFromFile'),
    dict(type='CenterPadToSquare', pad_val=0),
    dict(type='Resize', scale=(128, 128), backend='pillow'),
]
weak_view = [
    dict(type='RandomResizedCrop', scale=128, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='PILColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4, hue=0.1, channel_order='bgr')]),
    dict(type='PILRandomGrayscale', prob=0.2, channel_order='bgr'),
]
strong_view = [
    dict(type='RandomResizedCrop', scale=128, crop_ratio_range=(0.2, 1.),
         backend='pillow'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomAugmentPLL', num_ops=3, channel_order='bgr'),
    dict(type='Cutout', factor=(0., 0.5), fill=(125, 123, 114),
         channel_order='bgr'),
]
train_pipeline = base + [
    dict(type='MultiView', num_views=[1, 1],
         transforms=[weak_view, strong_view]),
    dict(type='PackInputs', algorithm_keys=('candidates', )),
]
test_pipeline = base + [dict(type='PackInputs')]
train_dataloader = dict(
    batch_size=128, num_workers=4, persistent_workers=True, drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='train.json', data_prefix='PLL/train_var/images',
                 class_split='data/pll-voc/class_split.json',
                 pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=512, num_workers=4, persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root,
                 ann_file='test.json', data_prefix='PLL/test/images',
                 class_split='data/pll-voc/class_split.json',
                 pipeline=test_pipeline))
val_dataloader = test_dataloader
val_evaluator = dict(type='PLLAccuracy', topk=(1, 5), prefix='test_monitor')
test_evaluator = dict(type='PLLAccuracy', topk=(1, 5))
