# DigitMosaic-LT-Noise ablation: DB loss alone -- only branch B (class-aware
# sampler, DB-focal), no Stitch-Up, no co-learning.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(
    branches=dict(_delete_=True, balanced={{_base_.model.branches.balanced}}),
    stitch=None,
    correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassAwareSampler', num_samples_cls=3,
                 reduce=4),
    dataset=dict(_delete_=True, type='DigitMosaic', data_root='data/digitmosaic',
                 variant='lt-noise', split='train',
                 pipeline={{_base_.train_pipeline}}))
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop',
                 max_epochs={{_base_.max_epochs}}, val_interval=1)
val_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
test_evaluator = val_evaluator
