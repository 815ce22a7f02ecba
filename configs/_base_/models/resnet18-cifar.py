# ResNet-18 for 32 px inputs (ResNet_CIFAR: 3x3 stem, no max-pool; widths
# 64-512 unless stem_channels/base_channels are set; Kaiming-normal fan_out
# conv init, BN 1/0, no zero-init residual) and global average pooling: the
# (B, 3, H, W) images become (B, 8 * base_channels) features, (B, 512) by
# default. Model bases inherit it and add the classifier type, the data
# preprocessor and the head.
model = dict(
    backbone=dict(
        type='ResNet_CIFAR',
        depth=18,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch',
        zero_init_residual=False),
    neck=dict(type='GlobalAveragePooling'),
)
