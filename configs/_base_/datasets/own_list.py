# Your own data set as list files `IMAGE,<class indices>` (Hill/SPLC format)
# with a class-name file (one name per line, line i = index i; a path under
# data_root, a preset 'coco' / 'voc' / 'nus_wide' or the names), for any method
# recipe: list this file after the recipe in `_base_` and override the
# `own_data` keys you need. Listed indices are positives; `train_unlisted=-1`:
# the others are unknown (observed positives only), 0: negatives (exhaustive
# lists). See docs/own_data.md.
own_data = dict(
    data_root='data/own_list',
    train='train.txt',
    test='test.txt',
    classes='classes.txt',
    img_prefix='images',
    train_unlisted=-1,
    test_unlisted=0,
)
