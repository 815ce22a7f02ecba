# Co-learning + Stitch-Up with the paper's COCO values: 80 classes, SGD lr
# 0.2, DB neg_scale 2 and map (0.1, 10, 0.2), head alphas 0.9, no beta.
_base_ = ['../../_base_/models/colearning_r50.py',
          '../../_base_/datasets/coco-mlt-noise_stitchup.py',
          '../../_base_/schedules/sgd_colearning-8e.py',
          '../../_base_/default_runtime.py']

num_classes = 80
# merged into the VOC values of the model file (top level and branch B)
db_loss = dict(map_param=dict(gamma=0.2), logit_reg=dict(neg_scale=2.0))
model = dict(
    branches=dict(
        random=dict(head=dict(num_classes=num_classes)),
        balanced=dict(head=dict(num_classes=num_classes, loss=db_loss))),
    thresholds=dict(_delete_=True, random_head_alpha=0.9,
                    balance_head_alpha=0.9),
    training_split={{_base_.training_split}})
optim_wrapper = dict(optimizer=dict(lr=0.2))
train_cfg = dict(dataloader_b={{_base_.loader_b}})
randomness = dict(seed=1)  # official default
