# WAN baseline (unknowns weighted 1/(C-1) as negatives, sum) on
# NUS-WIDE single positive; the recipe of bce_r50_nus-wide-single.py, whose
# data, schedule and EMA this inherits.
# Train with:
#   bash tools/dist_train.sh configs/baselines/wan_r50_nus-wide-single.py 8
_base_ = ['./bce_r50_nus-wide-single.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', reduction='sum')))
