# ResNet-50 (torchvision ImageNet weights), global pooling and a linear
# multi-label head: the model of the Hill/SPLC recipe.
# The official code feeds [0, 1] inputs without mean/std normalisation
# although the weights expect ImageNet statistics; repro configs keep it
# (mean 0, std 255); `*-norm` variants use ImageNet statistics.
model = dict(
    type='ImageClassifier',
    data_preprocessor=dict(
        type='MLCDataPreprocessor',
        mean=[0., 0., 0.],
        std=[255., 255., 255.],
        to_rgb=True),
    backbone=dict(
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='MLCLinearHead',
        num_classes=80,
        in_channels=2048,
        # the BCE baseline of the recipe; 'global_sum' = sum over the
        # batch of all processes (world-size independent objective)
        loss=dict(type='MaskedBCELoss', eps=1e-8, reduction='global_sum'),
    ),
)
