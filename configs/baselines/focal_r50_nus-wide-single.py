# Focal baseline (gamma 2, no alpha, detached focal weight, sum) on
# NUS-WIDE single positive; the recipe of bce_r50_nus-wide-single.py, whose
# data, schedule and EMA this inherits.
# Train with:
#   bash tools/dist_train.sh configs/baselines/focal_r50_nus-wide-single.py 8
_base_ = ['./bce_r50_nus-wide-single.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='MaskedFocalLoss', gamma=2.0, reduction='sum')))
