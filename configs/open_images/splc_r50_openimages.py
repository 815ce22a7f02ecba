# SPLC (focal margin 1, gamma 2, tau 0.6, change_epoch 1, global sum;
# SPLCEpochHook) on Open Images V6: only unknown entries are corrected to
# positives ('unknown_only'), verified negatives never. Recipe of
# asl_r50_openimages.py, whose data and schedule this inherits.
#   bash tools/dist_train.sh configs/open_images/splc_r50_openimages.py 8
_base_ = ['./asl_r50_openimages.py']

model = dict(head=dict(loss=dict(
    _delete_=True, type='SPLCLoss', tau=0.6, change_epoch=1, margin=1.0,
    gamma=2.0, correct='unknown_only', reduction='global_sum')))
custom_hooks = [
    dict(type='EMAHook', ema_type='StateAwareEMA', momentum=3e-4,
         update_buffers=True, priority=49),
    dict(type='SPLCEpochHook'),
]
