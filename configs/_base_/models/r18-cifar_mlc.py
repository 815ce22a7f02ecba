# The small CPU ResNet of DigitMosaic (benchmarks.md §7): ResNet_CIFAR-18 with
# 16 base channels (128-d features), global pooling and a linear head.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
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
        style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='MLCLinearHead',
        num_classes=10,
        in_channels=128,
        loss=dict(type='MaskedBCELoss', reduction='mean'),
    ),
)
