# Your own data set as CSV tables `image,<class 1>,...` (1 positive, 0
# negative, -1 unknown, empty = unlisted), for any method recipe: list it
# after the recipe in `_base_`, override `own_data` keys (docs/own_data.md).
own_data = dict(
    data_root='data/own_csv',
    train='train.csv',
    test='test.csv',
    img_prefix='images',
    train_unlisted=-1,
    test_unlisted=0,
)
