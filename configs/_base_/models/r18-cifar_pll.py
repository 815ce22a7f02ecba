# Partial-label model for DigitMosaic-PLL (docs/datasets.md): the small CPU
# ResNet_CIFAR-18 (16 base channels, 128-d), global pooling, linear PLL head.
# All views of a batch go through the backbone in one forward.
model = dict(
    type='PLLClassifier',
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[127.5, 127.5, 127.5],
        to_rgb=False),
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        stem_channels=16,
        base_channels=16,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='PLLLinearHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='CORRLoss'),
        upd_start=1),
)
custom_hooks = [dict(type='ConfidenceUpdateHook')]
