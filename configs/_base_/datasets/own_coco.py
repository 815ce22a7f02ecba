# Your own data set in COCO instances format, for any method recipe: list this
# file after the recipe in `_base_` and override the `own_data` keys you need
# (docs/own_data.md; the config check expands them into the loaders).
own_data = dict(
    data_root='data/own_coco',
    train='annotations/instances_train.json',
    test='annotations/instances_test.json',
    img_prefix=dict(train='train', test='test'),
    train_unlisted=-1,
    test_unlisted=0,
)
