# Your own data set in COCO instances format, for any method recipe: list
# this file after the recipe in `_base_` and override the `own_data` keys you
# need (a child's `own_data = dict(...)` is merged into this one). The config
# check expands the block into the train/val/test loaders of the recipe
# (mlc/utils/own_data.py; docs/own_data.md). COCO files list only positives:
# `train_unlisted=-1` makes the classes an image has no annotation of unknown
# (observed positives only); set 0 for an exhaustive file. Category ids need
# not be contiguous (ascending id order gives the class indices).
own_data = dict(
    data_root='data/own_coco',
    train='annotations/instances_train.json',
    test='annotations/instances_test.json',
    img_prefix=dict(train='train', test='test'),
    train_unlisted=-1,
    test_unlisted=0,
)
