# SPLC on your own COCO-format data (observed positives only), 48 px input.
_base_ = [
    '../splc/_base_/splc_r18_digitmosaic.py',
    '../_base_/datasets/digitmosaic-pl40.py',
    '../_base_/datasets/own_coco.py',
]
own_data = dict(data_root='data/own_coco', input_size=48)
