"""Synthetic COCO-like training data for the throughput benchmarks.

JPEG images with COCO's usual sides (640 x 480, 480 x 640, 640 x 427, …, or
all sides divided by ``shrink`` for toy runs) and smooth random content (so
they compress and decode like photos, not like noise), listed in the
standard annotation JSON that the COCO converters write: 80 classes, 1-4
positives per image, class ``i % 80`` among those of image ``i`` (so 80
images or more give every class a positive, as class-frequency losses
need), unlisted labels unknown (-1) as in the missing-label training lists.
Also a ``class_split.json`` (many / medium / few classes) for recipes that
read one and random 300-d class word vectors (``word_vectors.npy``) for the
SSGRL head.
"""
import json
import os
import os.path as osp
from typing import List

import numpy as np
from PIL import Image

NUM_CLASSES = 80
#: (width, height) of COCO images, most common first
COCO_SIDES = [(640, 480), (480, 640), (640, 427), (640, 424), (500, 375)]


def write_synthetic_coco(root: str, num: int, shrink: int = 1,
                         seed: int = 0) -> str:
    """Write ``num`` JPEGs under ``root/images`` and ``root/train.json``.

    Args:
        root (str): Output folder.
        num (int): Number of images.
        shrink (int): Divide COCO's sides by this (toy CPU runs).
        seed (int): Random seed.

    Returns:
        str: ``root``.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'images'), exist_ok=True)
    data_list: List[dict] = []
    for i in range(num):
        width, height = COCO_SIDES[i % len(COCO_SIDES)]
        width, height = max(8, width // shrink), max(8, height // shrink)
        coarse = rng.integers(0, 256, (max(2, height // 16),
                                       max(2, width // 16), 3), np.uint8)
        img = np.asarray(Image.fromarray(coarse).resize(
            (width, height), Image.Resampling.BICUBIC), dtype=np.int16)
        img = img + rng.integers(-12, 13, img.shape)
        name = f'{i:06d}.jpg'
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(
            osp.join(root, 'images', name), quality=90)
        pos = sorted({i % NUM_CLASSES, *rng.choice(
            NUM_CLASSES, rng.integers(0, 4), replace=False).tolist()})
        data_list.append(dict(img_path=name, pos=pos, neg=[],
                              clean_pos=pos))
    meta = dict(classes=[f'class{c}' for c in range(NUM_CLASSES)],
                task='multilabel', unlisted=-1)
    with open(osp.join(root, 'train.json'), 'w') as f:
        json.dump(dict(metainfo=meta, data_list=data_list), f)
    np.save(osp.join(root, 'word_vectors.npy'),
            rng.standard_normal((NUM_CLASSES, 300)).astype(np.float32))
    third = NUM_CLASSES // 3
    classes = list(range(NUM_CLASSES))
    with open(osp.join(root, 'class_split.json'), 'w') as f:
        json.dump(dict(many=classes[:third], medium=classes[third:2 * third],
                       few=classes[2 * third:]), f)
    return root
