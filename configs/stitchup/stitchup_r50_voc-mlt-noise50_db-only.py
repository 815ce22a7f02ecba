# Ablation on VOC-MLT-Noise-0.5: DB loss alone -- only branch B (class-aware
# sampler, batch 32, DB-focal) on single images, no co-learning.
_base_ = ['./_base_/stitchup_r50_voc-mlt-noise.py']

model = dict(single_branch='balanced', stitch=None, correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, **_base_.loader_b.sampler),
    dataset=dict(stitch=False))  # single images
train_cfg = dict(dataloader_b=None)
test_evaluator = [dict(type='MLCAveragePrecision'), dict(type='MLCF1Metric')]
