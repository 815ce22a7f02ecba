# DigitMosaic-LT-Noise ablation: BCE baseline -- only branch R (uniform
# sampler, BCE), no Stitch-Up, no co-learning; same trunk/layer4/neck/head and
# schedule.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(
    branches=dict(_delete_=True, random={{_base_.model.branches.random}}),
    stitch=None,
    correction=False)
train_dataloader = dict(dataset=dict(_delete_=True, type='DigitMosaic', data_root='data/digitmosaic',
                 variant='lt-noise', split='train',
                 pipeline={{_base_.train_pipeline}}))
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop',
                 max_epochs={{_base_.max_epochs}}, val_interval=1)
val_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
test_evaluator = val_evaluator
