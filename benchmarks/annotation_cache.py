"""First vs cached start of a COCO-2017-sized multi-label dataset.

Generates a COCO-format instances file with 118,287 images, 80 categories
and ~7.3 annotations per image (COCO-2017 train: 860k annotations; each with
a bbox, area, iscrowd and a short polygon, so the file is smaller than the
real 448 MB one and the measured ratio is conservative), then times:

- ``COCOMultiLabel(cache=False)``: pycocotools parse + label matrix (the
  cost of every start without the cache);
- ``COCOMultiLabel(cache=True)`` first start (parse + writing the ``.npz``);
- ``COCOMultiLabel(cache=True)`` second start (reads the ``.npz``);

and the same for the converted standard annotation JSON (``MLCDataset``).
Prints the ratios uncached / cached. Usage::

    python benchmarks/annotation_cache.py [--images 118287]
"""
import argparse
import json
import os.path as osp
import tempfile
import time

import numpy as np

from mlc.datasets import COCOMultiLabel, MLCDataset
from mlc.datasets.corruptions import save_annotation
from mlc.datasets.readers import COCO_CLASSES, dense_to_annotation

CAT_IDS = [i for i in range(1, 91) if i not in
           (12, 26, 29, 30, 45, 66, 68, 69, 71, 83)]


def make_coco(path: str, num_images: int, seed: int = 0) -> np.ndarray:
    """Write a synthetic instances file; return its (N, 80) labels."""
    rng = np.random.default_rng(seed)
    per_image = rng.poisson(7.3, num_images)
    images = [dict(id=int(i + 1), file_name=f'{i + 1:012d}.jpg', width=640,
                   height=480) for i in range(num_images)]
    anns = []
    labels = np.zeros((num_images, 80), dtype=np.int8)
    prior = 1.0 / np.arange(1, 81) ** 0.8
    prior /= prior.sum()
    ann_id = 1
    for i, n in enumerate(per_image):
        cats = rng.choice(80, size=n, p=prior)
        labels[i, cats] = 1
        for c in cats:
            x, y, w, h = (float(v) for v in rng.uniform(1, 300, 4).round(2))
            anns.append(dict(id=ann_id, image_id=i + 1,
                             category_id=CAT_IDS[c], iscrowd=0,
                             area=round(w * h, 2), bbox=[x, y, w, h],
                             segmentation=[[x, y, x + w, y, x + w, y + h]]))
            ann_id += 1
    cats = [dict(id=cid, name=name, supercategory='x')
            for cid, name in zip(CAT_IDS, COCO_CLASSES)]
    with open(path, 'w') as f:
        json.dump(dict(images=images, annotations=anns, categories=cats), f)
    return labels


def timed(build) -> tuple:
    start = time.perf_counter()
    out = build()
    return time.perf_counter() - start, out


def parse_time(cls, src: str, **kwargs) -> tuple:
    """Seconds of ``load_data_list`` (the parse the cache replaces)."""
    ds = cls(src, lazy_init=True, **kwargs)
    seconds, _ = timed(ds.load_data_list)
    return seconds, ds._loaded_labels[0]


def compare(name: str, cls, src: str, cache: str) -> None:
    t_plain, labels = parse_time(cls, src, cache=False)
    t_first, _ = parse_time(cls, src, cache=True, cache_dir=cache)
    t_cached, cached = parse_time(cls, src, cache=True, cache_dir=cache)
    assert np.array_equal(labels, cached)
    full_plain, _ = timed(lambda: cls(src, cache=False))
    full_cached, _ = timed(lambda: cls(src, cache=True, cache_dir=cache))
    print(f'{name}: parse uncached {t_plain:.2f} s, first start with cache '
          f'{t_first:.2f} s, cached {t_cached:.3f} s -> ratio uncached/'
          f'cached {t_plain / t_cached:.1f}x; whole dataset construction '
          f'(incl. mmengine serialisation) {full_plain:.2f} s -> '
          f'{full_cached:.2f} s ({full_plain / full_cached:.1f}x)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--images', type=int, default=118287)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        src = osp.join(tmp, 'instances_train2017.json')
        labels = make_coco(src, args.images)
        size = osp.getsize(src) / 2**20
        print(f'generated {src}: {args.images} images, {size:.0f} MiB')
        cache = osp.join(tmp, 'cache')
        compare('COCO instances JSON (COCOMultiLabel)', COCOMultiLabel, src,
                cache)
        _, obs = parse_time(COCOMultiLabel, src, cache=True, cache_dir=cache)
        assert np.array_equal(obs, labels[labels.any(1)])
        keep = np.flatnonzero(labels.any(1))
        std = osp.join(tmp, 'train2017.json')
        save_annotation(std, dense_to_annotation(
            [f'{i + 1:012d}.jpg' for i in keep], obs, COCO_CLASSES, 0,
            'bench', [], clean=obs))
        size = osp.getsize(std) / 2**20
        compare(f'standard JSON, {size:.0f} MiB (MLCDataset)', MLCDataset,
                std, cache)


if __name__ == '__main__':
    main()
