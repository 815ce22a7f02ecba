# ResNet-50 with torchvision's ImageNet weights, fed the ImageNet mean/std
# (0-255 units) they expect: (B, 3, H, W) images -> the (B, 2048, H/32, W/32)
# map of layer4. Model bases inherit it and add the classifier, neck and head.
model = dict(
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
)
