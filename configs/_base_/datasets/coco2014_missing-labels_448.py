# COCO 2014 with the Hill/SPLC missing-label lists (a leaf picks one: ann_file
# train_{0.75left,0.4left,single}.json), 448x448, Cutout + RandAugment; test
# COCO val2014, only monitored by the val loader. Files: docs/datasets.md.
_base_ = ['./coco2017.py']

data_root = 'data/coco2014'
train_ann = 'train_0.4left.json'
test_ann = 'val2014.json'
img_scale = (448, 448)

# PIL resizes (antialiased bilinear, as torchvision's Resize in the code);
# Cutout and RandAugmentUDA run on the RGB PIL image of the BGR array
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, backend='pillow'),
    dict(type='Cutout', factor=0.5, fill='random_rgb', channel_order='bgr'),
    dict(type='RandAugmentUDA', channel_order='bgr'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=img_scale, backend='pillow'),
    dict(type='PackInputs'),
]

train_dataloader = dict(
    # per GPU: 8 GPUs x 16 = the recipe's 128 in total; on N GPUs use
    # 128 / N (the 'global_sum' losses then optimise the same objective)
    batch_size=16,
    dataset=dict(
        data_root=data_root,
        ann_file=train_ann,
        data_prefix=dict(img_path='train2014'),
        pipeline=train_pipeline))
test_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        ann_file=test_ann,
        data_prefix=dict(img_path='val2014'),
        pipeline=test_pipeline))
val_dataloader = test_dataloader
