# ResNet-50 (torchvision ImageNet weights), global pooling and a linear
# multi-label head: the model of the Hill/SPLC recipe, fed [0, 1] inputs as
# the official code (`*-norm` leaves use ImageNet statistics).
_base_ = ['./resnet50.py']

model = dict(
    type='ImageClassifier',
    # the official code feeds [0, 1] inputs although the weights expect
    # ImageNet statistics; repro configs keep it (mean 0, std 255)
    data_preprocessor=dict(mean=[0., 0., 0.], std=[255., 255., 255.]),
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
