# Ablation: DB loss alone -- only branch B (class-aware sampler, batch 32 as the
# DB recipe, DB-focal), no Stitch-Up, no co-learning, same frozen trunk.
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(
    branches=dict(_delete_=True, balanced={{_base_.model.branches.balanced}}),
    stitch=None,
    correction=False)
train_dataloader = dict(
    sampler=dict(_delete_=True, type='ClassAwareSampler', num_samples_cls=3,
                 reduce=4),
    dataset=dict(_delete_=True, type='MLCDataset', data_root={{_base_.data_root}},
                 ann_file={{_base_.train_ann}},
                 data_prefix={{_base_.train_prefix}},
                 class_split={{_base_.class_split}},
                 pipeline={{_base_.train_pipeline}}))
train_cfg = dict(_delete_=True, type='EpochBasedTrainLoop',
                 max_epochs={{_base_.max_epochs}},
                 val_interval=100)
test_evaluator = [
    dict(type='MLCAveragePrecision', class_split={{_base_.class_split}}),
    dict(type='MLCF1Metric'),
]
