# Ablation on VOC-MLT-Noise-0.5: DB loss alone -- only branch B (class-aware
# sampler, batch 32, DB-focal) on single images, no co-learning.
_base_ = ['./_base_/stitchup_r50_voc-mlt-noise.py']

model = dict(
    branches=dict(_delete_=True, balanced={{_base_.model.branches.balanced}}),
    stitch=None,
    correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassAwareSampler', num_samples_cls=3,
                 reduce=4),
    dataset=dict(stitch=False))  # single images
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop',
                 max_epochs={{_base_.max_epochs}},
                 val_interval=100)
test_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
