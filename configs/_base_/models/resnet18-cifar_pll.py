# Partial-label model of the RECORDS CIFAR recipe: the ResNet-18 of
# resnet18-cifar.py and a linear PLL head on the 512-d feature. The
# preprocessor holds the CIFAR-10 statistics (0-255 units, train and test
# alike); CIFAR-100 configs use resnet18-cifar100_pll.py instead, other
# datasets override mean/std. num_classes is set by the leaf config.
_base_ = ['./resnet18-cifar.py']
model = dict(
    type='PLLClassifier',
    data_preprocessor=dict(
        type='MultiViewClsDataPreprocessor',
        mean=[125.307, 122.961, 113.8575],
        std=[62.9932, 62.0887, 66.7048],
        to_rgb=False),
    head=dict(
        type='PLLLinearHead',
        num_classes=10,
        in_channels=512,
        loss=dict(type='CORRLoss'),
        upd_start=1),
)
custom_hooks = [dict(type='ConfidenceUpdateHook')]
