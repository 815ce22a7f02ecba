# SPLC on your own CSV tables (observed positives and negatives), 48 px input.
_base_ = [
    '../splc/_base_/splc_r18_digitmosaic.py',
    '../_base_/datasets/digitmosaic-pl40.py',
    '../_base_/datasets/own_csv.py',
]
own_data = dict(data_root='data/own_csv', input_size=48)
