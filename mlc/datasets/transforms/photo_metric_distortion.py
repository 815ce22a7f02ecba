"""Photometric distortion of the DB-loss / Stitch-Up recipe (mmdet-style)."""
from typing import Sequence

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mlc.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PhotoMetricDistortion(BaseTransform):
    """Random brightness, contrast (before or after the colour changes),
    saturation, hue and channel swap, each with probability 0.5, on the
    float BGR image (as mmdet 1.x ``PhotoMetricDistortion``, used by the DB
    loss and Stitch-Up code). Draws from numpy's global generator, like
    every mmcv transform.

    Required keys: ``img``. Modified keys: ``img`` (float32).

    Args:
        brightness_delta (int): Shift in [-delta, delta].
        contrast_range (sequence): Multiplier range.
        saturation_range (sequence): Multiplier range.
        hue_delta (int): Hue shift in degrees.
    """

    def __init__(self,
                 brightness_delta: int = 32,
                 contrast_range: Sequence[float] = (0.5, 1.5),
                 saturation_range: Sequence[float] = (0.5, 1.5),
                 hue_delta: int = 18) -> None:
        self.brightness_delta = brightness_delta
        self.contrast_range = tuple(contrast_range)
        self.saturation_range = tuple(saturation_range)
        self.hue_delta = hue_delta

    def transform(self, results: dict) -> dict:
        img = results['img'].astype(np.float32)
        rng = np.random
        if rng.randint(2):
            img += rng.uniform(-self.brightness_delta, self.brightness_delta)
        contrast_first = rng.randint(2)
        if contrast_first and rng.randint(2):
            img *= rng.uniform(*self.contrast_range)
        img = mmcv.bgr2hsv(img)
        if rng.randint(2):
            img[..., 1] *= rng.uniform(*self.saturation_range)
        if rng.randint(2):
            img[..., 0] += rng.uniform(-self.hue_delta, self.hue_delta)
            img[..., 0] = np.mod(img[..., 0], 360)
        img = mmcv.hsv2bgr(img)
        if not contrast_first and rng.randint(2):
            img *= rng.uniform(*self.contrast_range)
        if rng.randint(2):
            img = img[..., rng.permutation(3)]
        results['img'] = img
        return results
