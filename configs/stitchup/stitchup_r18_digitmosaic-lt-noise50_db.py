# DigitMosaic-LT-Noise ablation: DB loss alone -- only branch B (class-aware
# sampler, DB-focal), no Stitch-Up, no co-learning.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(single_branch='balanced', stitch=None, correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, **_base_.loader_b.sampler),
    dataset=dict(_delete_=True, **_base_.digitmosaic_train))  # single images
train_cfg = dict(dataloader_b=None)
val_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
test_evaluator = val_evaluator
