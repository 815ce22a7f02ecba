# DigitMosaic-LT-Noise ablation: BCE baseline -- only branch R (uniform
# sampler, BCE), no Stitch-Up, no co-learning; same trunk/layer4/neck/head and
# schedule.
_base_ = ['./_base_/stitchup_r18_digitmosaic.py']

model = dict(single_branch='random', stitch=None, correction=False)
train_dataloader = dict(
    dataset=dict(_delete_=True, **_base_.digitmosaic_train))  # single images
train_cfg = dict(dataloader_b=None)
val_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
test_evaluator = val_evaluator
