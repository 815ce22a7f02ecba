# Ablation: co-learning without Stitch-Up (both branches train on single images).
_base_ = ['./stitchup_r50_coco-mlt-noise50.py']

model = dict(stitch=None)
train_dataloader = dict(dataset=dict(_delete_=True, type='MLCDataset', data_root={{_base_.data_root}},
                 ann_file={{_base_.train_ann}},
                 data_prefix={{_base_.train_prefix}},
                 class_split={{_base_.class_split}},
                 pipeline={{_base_.train_pipeline}}))
train_cfg = dict(dataloader_b=dict(dataset=dict(_delete_=True, type='MLCDataset', data_root={{_base_.data_root}},
                 ann_file={{_base_.train_ann}},
                 data_prefix={{_base_.train_prefix}},
                 class_split={{_base_.class_split}},
                 pipeline={{_base_.train_pipeline}})))
