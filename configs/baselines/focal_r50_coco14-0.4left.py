# Focal baseline (gamma 2, no alpha, detached focal weight, global sum) on COCO
# 2014 "0.4left" (Hill/SPLC list coco_train_0.4left.txt); the Hill/SPLC recipe
# of bce_r50_coco14-0.4left.py, whose data, schedule and EMA this inherits.
# 'global_sum' sums the loss over the global batch (local sum x world size), so
# the objective is the same on any number of GPUs; keep 128 images in total (8
# x 16; e.g. 4 GPUs: train_dataloader.batch_size=32).
# Train with:
#   bash tools/dist_train.sh configs/baselines/focal_r50_coco14-0.4left.py 8
_base_ = ['./bce_r50_coco14-0.4left.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0,
    reduction='global_sum')))
