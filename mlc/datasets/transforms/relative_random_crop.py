"""Random crop relative to the image size (DB-loss / Stitch-Up recipe)."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RelativeRandomCrop(BaseTransform):
    """Crop a random patch whose sides are uniform in [min_crop, 1] times the
    image's and whose aspect h/w lies in ``aspect``; up to ``tries`` draws,
    else the image is kept whole (DB loss ``extra_aug.RandomCrop``).

    Required keys: ``img``. Modified keys: ``img``, ``img_shape``.

    Args:
        min_crop (float): Smallest relative side.
        aspect (sequence): Allowed (min, max) of h/w.
        tries (int): Draws before giving up.
    """

    def __init__(self, min_crop: float = 0.8,
                 aspect: Sequence[float] = (0.5, 2.0),
                 tries: int = 50) -> None:
        if not 0 < min_crop <= 1:
            raise ValueError(f'RelativeRandomCrop: min_crop must be in '
                             f'(0, 1], got {min_crop}')
        self.min_crop = min_crop
        self.aspect = tuple(aspect)
        self.tries = tries

    def transform(self, results: dict) -> dict:
        img = results['img']
        h, w = img.shape[:2]
        rng = np.random
        for _ in range(self.tries):
            new_w = rng.uniform(self.min_crop * w, w)
            new_h = rng.uniform(self.min_crop * h, h)
            if not self.aspect[0] <= new_h / new_w <= self.aspect[1]:
                continue
            left = int(rng.uniform(w - new_w))
            top = int(rng.uniform(h - new_h))
            img = img[top:top + int(new_h), left:left + int(new_w)]
            break
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        return results
