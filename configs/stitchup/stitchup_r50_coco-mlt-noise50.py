# Co-learning + Stitch-Up on COCO-MLT-Noise-0.5: the VOC recipe with the COCO
# values of the paper: 80 classes, SGD lr 0.2, DB neg_scale 2
# and map (0.1, 10, 0.2), thresholds: both head alphas 0.9, no beta. Train images
# from COCO-2017 train, test = COCO val2017 (annotated + unannotated images).
_base_ = ['./stitchup_r50_voc-mlt-noise50.py']

num_classes = 80
data_root = 'data/'
train_ann = 'coco-mlt-noise/train_noise0.5.json'
training_split = 'data/coco-mlt-noise/training_split.json'
class_split = 'data/coco-mlt-noise/class_split.json'
train_prefix = 'coco/train2017'
test_ann = 'coco2017/val2017.json'
test_prefix = 'coco/val2017'

db_loss = dict(
    type='DistributionBalancedLoss',
    class_freq='dataset',
    reweight='rebalance',
    map_param=dict(alpha=0.1, beta=10.0, gamma=0.2),
    logit_reg=dict(init_bias=0.05, neg_scale=2.0),
    focal=dict(balance_param=2.0, gamma=2),
    reduction='mean')

model = dict(
    branches=dict(
        random=dict(head=dict(num_classes=num_classes)),
        balanced=dict(head=dict(num_classes=num_classes, loss=db_loss))),
    thresholds=dict(_delete_=True, random_head_alpha=0.9,
                    balance_head_alpha=0.9),
    training_split=training_split)
train_data = dict(type='MLCDataset', data_root=data_root, ann_file=train_ann,
                  data_prefix=train_prefix, class_split=class_split,
                  pipeline={{_base_.train_pipeline}})
train_dataloader = dict(dataset=dict(dataset=train_data))
train_cfg = dict(dataloader_b=dict(dataset=dict(dataset=train_data)))
test_dataloader = dict(
    dataset=dict(ann_file=test_ann, data_prefix=test_prefix,
                 class_split=class_split))
test_evaluator = [
    dict(type='MLCAveragePrecision', class_split=class_split),
    dict(type='BranchAveragePrecision', branch='random',
         class_split=class_split),
    dict(type='BranchAveragePrecision', branch='balanced',
         class_split=class_split),
    dict(type='MLCF1Metric'),
]
optim_wrapper = dict(optimizer=dict(lr=0.2))
