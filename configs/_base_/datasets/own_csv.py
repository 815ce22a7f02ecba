# Your own data set as CSV tables `image,<class 1>,<class 2>,...` (cells 1
# positive, 0 observed negative, -1 unknown, empty = unlisted), for any method
# recipe: list this file after the recipe in `_base_` and override the
# `own_data` keys you need. Empty cells take `train_unlisted` (-1 unknown) in
# training and `test_unlisted` (0 negative) in evaluation, so one format holds
# observed positives only, observed negatives, or full labels. See
# docs/own_data.md.
own_data = dict(
    data_root='data/own_csv',
    train='train.csv',
    test='test.csv',
    img_prefix='images',
    train_unlisted=-1,
    test_unlisted=0,
)
