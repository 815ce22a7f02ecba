# PU-MLC (VPU alpha 1.0 / gamma 0.55, MixUp consistency, LGC) on Open Images
# V6 with a linear head (no word vectors or graph at C = 9,605).
_base_ = ['./_base_/r50_openimages.py']

model = dict(
    type='PUMLCClassifier',
    head=dict(loss=dict(_delete_=True, type='VPULoss', temp_scale=1.0,
                        rebalance_gamma=0.55)),
    mix_loss=dict(type='PUMixupConsistencyLoss', mix_alpha=0.3,
                  loss_weight=1.0),
    lgc=dict(heads=8, reduction=4),
)
