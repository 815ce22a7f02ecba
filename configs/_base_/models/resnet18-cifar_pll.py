# Partial-label model of the RECORDS CIFAR recipe: ResNet-18 with a 3x3 stem
# and no max-pool (ResNet_CIFAR, widths 64-512), Kaiming-normal fan_out conv
# init, BN 1/0, no zero-init residual; GAP; linear head on the 512-d feature.
# The preprocessor holds the CIFAR-10 statistics (0-255 units, train and test
# alike); CIFAR-100 configs use resnet18-cifar100_pll.py instead, other
# datasets override mean/std. num_classes is set by the leaf config.
model = dict(
    type='PLLClassifier',
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        mean=[125.307, 122.961, 113.8575],
        std=[62.9932, 62.0887, 66.7048],
        to_rgb=False),
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='PLLLinearHead',
        num_classes=10,
        in_channels=512,
        loss=dict(type='CORRLoss'),
        upd_start=1),
)
custom_hooks = [dict(type='ConfidenceUpdateHook')]
