# COMIC on your own COCO-format data (observed positives only), 48 px input.
_base_ = [
    '../comic/_base_/comic_r18_digitmosaic.py',
    '../_base_/datasets/own_coco.py',
]
own_data = dict(data_root='data/own_coco', input_size=48)
