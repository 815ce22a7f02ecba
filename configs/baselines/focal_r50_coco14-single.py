# Focal baseline (gamma 2, no alpha, detached focal weight, sum) on COCO
# 2014 "single" (Hill/SPLC list coco_train_singlelabel.txt); the Hill/SPLC recipe of
# bce_r50_coco14-single.py, whose data, schedule and EMA this inherits.
# Train with:
#   bash tools/dist_train.sh configs/baselines/focal_r50_coco14-single.py 8
_base_ = ['./bce_r50_coco14-single.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0, reduction='sum')))
