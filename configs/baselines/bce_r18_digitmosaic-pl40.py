# BCE baseline ("assume negative") on DigitMosaic-PL: balanced mosaics, the
# Hill/SPLC "0.4left" rule (drop_positives_hill k=5: on <= 4-label mosaics
# every image keeps exactly one positive); unlisted classes are -1 and the loss
# treats them as negatives. Recipe of the DigitMosaic-PL smoke
# (the Hill/SPLC family's): ResNet_CIFAR-18 (16 wide), 32x32, Adam 1e-3, batch 64,
# Cutout only, 'sum' reduction like every loss of the family; the log is
# clamped at 1e-8 as in the Hill/SPLC code's BCE.
_base_ = [
    '../_base_/models/r18-cifar_mlc.py',
    '../_base_/datasets/digitmosaic.py',
    '../_base_/schedules/digitmosaic_adam.py',
    '../_base_/digitmosaic_runtime.py',
]

model = dict(head=dict(loss=dict(
    type='MaskedBCELoss', eps=1e-8, reduction='sum')))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    # the recipe's input size, whatever the build's img_size (no-op at 32)
    dict(type='Resize', scale=(32, 32), interpolation='area'),
    dict(type='RandomCrop', crop_size=32, padding=2),
    dict(type='Cutout', factor=0.5, fill='random_rgb'),
    dict(type='PackInputs', algorithm_keys=('gt_clean', )),
]
train_dataloader = dict(dataset=dict(variant='pl', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(variant='pl'))
test_dataloader = dict(dataset=dict(variant='pl'))
