# Your own data set as list files `IMAGE,<class indices>` (Hill/SPLC format)
# with a class-name file, for any method recipe: list it after the recipe in
# `_base_`, override `own_data` keys (docs/own_data.md).
own_data = dict(
    data_root='data/own_list',
    train='train.txt',
    test='test.txt',
    classes='classes.txt',
    img_prefix='images',
    train_unlisted=-1,
    test_unlisted=0,
)
