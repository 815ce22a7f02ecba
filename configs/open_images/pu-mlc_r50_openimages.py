# PU-MLC (VPU loss alpha 1.0 / gamma 0.55, MixUp consistency Beta(0.3, 0.3),
# LGC on the backbone's 3x3 convs) on Open Images V6 with a linear head:
# the authors' SSGRL head needs per-class word vectors and a C x C
# co-occurrence graph, neither published for Open Images and impractical at
# C = 9,605 (README.md). Data and schedule of asl_r50_openimages.py.
#   bash tools/dist_train.sh configs/open_images/pu-mlc_r50_openimages.py 8
_base_ = ['./asl_r50_openimages.py']

model = dict(
    type='PUMLCClassifier',
    head=dict(loss=dict(_delete_=True, type='VPULoss', temp_scale=1.0,
                        rebalance_gamma=0.55)),
    mix_loss=dict(type='PUMixupConsistencyLoss', mix_alpha=0.3,
                  loss_weight=1.0),
    lgc=dict(heads=8, reduction=4),
)
