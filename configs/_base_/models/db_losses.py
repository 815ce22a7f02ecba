# The losses of the Distribution-Balanced recipes (DB baseline, heterogeneous
# co-learning), published VOC values: DB-focal on the counts of the noisy
# training labels (ClassFreqHook) and the BCE of the uniform branch.
num_classes = 20
db_loss = dict(
    type='DistributionBalancedLoss',
    class_freq='dataset',  # counts of the noisy training labels
    reweight='rebalance',
    map_param=dict(alpha=0.1, beta=10.0, gamma=0.3),
    logit_reg=dict(init_bias=0.05, neg_scale=5.0),
    focal=dict(balance_param=2.0, gamma=2),
    reduction='mean')
bce_loss = dict(type='MaskedBCELoss', reduction='mean')
