# Hill on your own list files (observed positives only), 48 px input.
_base_ = [
    '../hill/_base_/hill_r18_digitmosaic.py',
    '../_base_/datasets/digitmosaic-pl40.py',
    '../_base_/datasets/own_list.py',
]
own_data = dict(data_root='data/own_list', input_size=48)
