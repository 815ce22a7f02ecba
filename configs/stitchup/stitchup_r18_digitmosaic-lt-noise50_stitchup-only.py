# DigitMosaic-LT-Noise ablation: Stitch-Up alone -- branch B (class-aware
# sampler, DB-focal) trained on feature-average Stitch-Up pairs, no
# co-learning.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(
    branches=dict(_delete_=True, balanced={{_base_.model.branches.balanced}}),
    stitch='feature_avg',
    correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassAwareSampler', num_samples_cls=3,
                 reduce=4))
train_cfg = dict(dataloader_b=None)
val_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
test_evaluator = val_evaluator
