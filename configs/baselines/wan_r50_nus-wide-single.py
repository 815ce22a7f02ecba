# WAN baseline (unknowns weighted 1/(C-1) as negatives; the authors' form:
# log(p + 1e-5), mean over the B x C entries; DDP's gradient averaging makes it
# the mean over the global batch) on NUS-WIDE single positive; the recipe of
# bce_r50_nus-wide-single.py, whose data, schedule and EMA this inherits.
# Train with:
#   bash tools/dist_train.sh configs/baselines/wan_r50_nus-wide-single.py 8
_base_ = ['./bce_r50_nus-wide-single.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='WANLoss', eps=1e-5, reduction='mean')))
